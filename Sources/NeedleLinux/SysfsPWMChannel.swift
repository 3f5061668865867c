#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NeedleHAL
import Synchronization

/// The polarity of a PWM output (`polarity` in sysfs). It can be changed only while the
/// channel is disabled, so it is fixed at setup.
public enum PWMPolarity: String, Sendable {
    case normal
    case inversed
}

/// A PWM channel through the kernel's sysfs ABI (`/sys/class/pwm/pwmchipN/pwmM`), the
/// DRV8833's AIN1 on the pen.
///
/// Setup exports the channel if needed, waits (bounded) for its attribute files, starts it
/// disabled with the requested polarity, and keeps `period`, `duty_cycle` and `enable` open.
/// `apply` writes only the fields that changed, in an order the kernel accepts (it refuses
/// any moment where duty would exceed period), and does not allocate.
public final class SysfsPWMChannel: PWMChannel {
    /// The channel's folder, e.g. "/sys/class/pwm/pwmchip0/pwm0".
    public let path: String
    private let device: StaticString

    /// What the kernel holds, as far as this channel has written it.
    private struct Written {
        var period: UInt64
        var duty: UInt64
        var enabled: Bool
    }

    private struct State {
        let period: SysfsAttribute
        let duty: SysfsAttribute
        let enable: SysfsAttribute
        var written: Written
        var closed = false
    }
    private let state: Mutex<State>

    /// - Parameters:
    ///   - sysfsRoot: the pwm class folder; tests point it at a temporary tree.
    ///   - exportTimeout: how long to wait for the attribute files after export (udev may
    ///     still be fixing their permissions when they first appear).
    ///   - device: names the channel in HALErrors.
    public init(
        chip: Int = 0, channel: Int = 0, sysfsRoot: String = "/sys/class/pwm",
        polarity: PWMPolarity = .normal, exportTimeout: Duration = .seconds(1),
        device: StaticString = "pwm"
    ) throws(LinuxBackendError) {
        let chipPath = "\(sysfsRoot)/pwmchip\(chip)"
        let path = "\(chipPath)/pwm\(channel)"
        guard FileSystem.exists(chipPath) else { throw .pwmChipNotFound(path: chipPath) }
        if !FileSystem.exists(path) {
            let exportPath = chipPath + "/export"
            // EBUSY: someone exported it between our check and our write — fine.
            if case .failure(let e) = FileSystem.write("\(channel)\n", to: exportPath), e.errno != EBUSY {
                throw .pwmExportFailed(path: exportPath, errno: e.errno)
            }
        }
        let files = try Self.waitForAttributes(path: path, timeout: exportTimeout)

        // Start from what the kernel holds (another program may have left it running), and
        // stop the output before anything else: the safe state, and polarity needs it.
        var written = Written(period: 0, duty: 0, enabled: true)
        do throws(LinuxBackendError) {
            written.period = try Self.readNumber(path + "/period")
            written.duty = try Self.readNumber(path + "/duty_cycle")
            written.enabled = try Self.readNumber(path + "/enable") != 0
            let e = files.enable.write(0)
            if e != 0 { throw .pwmAttributeFailed(path: path + "/enable", errno: e) }
            written.enabled = false
            try Self.setPolarity(polarity, path: path + "/polarity")
        } catch {
            files.period.close()
            files.duty.close()
            files.enable.close()
            throw error
        }
        self.path = path
        self.device = device
        self.state = Mutex(State(period: files.period, duty: files.duty, enable: files.enable, written: written))
    }

    deinit { close() }

    public func apply(_ target: PWMState) throws(HALError) {
        let device = self.device
        try state.withLock { (s) throws(HALError) in
            guard !s.closed else { throw HALError(.unavailable, device: device, errno: EBADF) }
            let period = UInt64(target.periodNs)
            let duty = UInt64(min(target.dutyNs, target.periodNs))

            // Stop first when stopping, so the output never runs on a half-written setting.
            if !target.enabled && s.written.enabled {
                try Self.write(0, to: s.enable, device: device)
                s.written.enabled = false
            }
            if period < s.written.period {
                // Shrinking: lower duty first so it never exceeds the period in between.
                if duty != s.written.duty {
                    try Self.write(duty, to: s.duty, device: device)
                    s.written.duty = duty
                }
                try Self.write(period, to: s.period, device: device)
                s.written.period = period
            } else {
                // Growing (or same): raise the period first for the same reason.
                if period != s.written.period {
                    try Self.write(period, to: s.period, device: device)
                    s.written.period = period
                }
                if duty != s.written.duty {
                    try Self.write(duty, to: s.duty, device: device)
                    s.written.duty = duty
                }
            }
            if target.enabled && !s.written.enabled {
                try Self.write(1, to: s.enable, device: device)
                s.written.enabled = true
            }
        }
    }

    /// Disables the output and closes the attribute files. The channel stays exported: the
    /// kernel keeps it disabled, and a later start finds it ready.
    public func close() {
        state.withLock { s in
            guard !s.closed else { return }
            _ = s.enable.write(0)
            s.written.enabled = false
            s.period.close()
            s.duty.close()
            s.enable.close()
            s.closed = true
        }
    }

    private static func write(_ value: UInt64, to file: SysfsAttribute, device: StaticString) throws(HALError) {
        let e = file.write(value)
        guard e != 0 else { return }
        // The PWM core answers EINVAL to a setting it cannot take (duty > period, a period
        // the hardware cannot make); that is the caller's value, not the bus.
        if e == EINVAL { throw HALError(.invalidArgument, device: device, errno: e) }
        throw .linux(errno: e, device: device)
    }

    private struct Attributes {
        var period: SysfsAttribute
        var duty: SysfsAttribute
        var enable: SysfsAttribute
    }

    /// Polls until period, duty_cycle, enable and polarity can all be opened for writing.
    private static func waitForAttributes(path: String, timeout: Duration) throws(LinuxBackendError) -> Attributes {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let opened = ["period", "duty_cycle", "enable", "polarity"].map { SysfsAttribute.open(path + "/" + $0) }
            let files = opened.compactMap { try? $0.get() }
            if files.count == opened.count {
                files[3].close()  // polarity is written once, by path, at setup
                return Attributes(period: files[0], duty: files[1], enable: files[2])
            }
            files.forEach { $0.close() }
            if clock.now >= deadline {
                let ms = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
                throw .pwmChannelTimeout(path: path, waitedMs: ms)
            }
            usleep(10_000)
        }
    }

    private static func readText(_ path: String) throws(LinuxBackendError) -> Substring {
        switch FileSystem.read(path) {
        case .failure(let e): throw .pwmAttributeFailed(path: path, errno: e.errno)
        case .success(let text):
            // A sysfs attribute is one line; only the first counts.
            return text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        }
    }

    private static func readNumber(_ path: String) throws(LinuxBackendError) -> UInt64 {
        let line = try readText(path)
        guard let value = UInt64(line.trimmingCharacters(in: " \t")) else {
            throw .pwmAttributeUnreadable(path: path, content: String(line))
        }
        return value
    }

    private static func setPolarity(_ polarity: PWMPolarity, path: String) throws(LinuxBackendError) {
        let current = try readText(path).trimmingCharacters(in: " \t")
        guard current != polarity.rawValue else { return }
        if case .failure(let e) = FileSystem.write(polarity.rawValue + "\n", to: path) {
            throw .pwmAttributeFailed(path: path, errno: e.errno)
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self[...]
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return s
    }
}
