#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGPIODShim
import NeedleHAL
import Synchronization

/// A GPIO line requested as an output (motor enable, brake, heartbeat, LEDs).
///
/// The line is requested with its inactive value (rule 4: the safe value from the first
/// instant); `activeLow` lets the kernel map logical to physical levels. `set(active:)`
/// neither allocates nor takes a lock anyone else holds on the hot path.
public final class GPIOOutputLine: DigitalOutput {
    public let location: GPIOLineLocation
    public let activeLow: Bool
    private let device: StaticString
    private let line: Mutex<ShimHandle?>

    /// Requests `offset` on `chip`. `device` names the line in HALErrors (e.g. "motor-enable").
    public init(
        chip: GPIOChip, offset: UInt32, consumer: String = "needled", activeLow: Bool = false,
        bias: GPIOBias = .asIs, device: StaticString = "gpio-output"
    ) throws(LinuxBackendError) {
        try chip.checkOffset(offset)
        let requested: ShimHandle
        switch chip.request({ handle in needle_gpio_request_output(handle, offset, consumer, activeLow, bias.shim, false) }) {
        case .success(let h): requested = h
        case .failure(let e): throw .gpioLineRequestFailed(chip: chip.path, offset: offset, errno: e.errno)
        }
        self.location = GPIOLineLocation(chip: chip, offset: offset)
        self.activeLow = activeLow
        self.device = device
        self.line = Mutex(requested)
    }

    /// Requests the line named `lineName` (gpio-line-names) on whichever chip has it.
    public convenience init(
        named lineName: String, consumer: String = "needled", activeLow: Bool = false,
        bias: GPIOBias = .asIs, device: StaticString = "gpio-output", devDirectory: String = "/dev"
    ) throws(LinuxBackendError) {
        let found = try GPIOChip.findLine(named: lineName, devDirectory: devDirectory)
        try self.init(
            chip: found.chip, offset: found.offset, consumer: consumer, activeLow: activeLow,
            bias: bias, device: device)
    }

    deinit { close() }

    public func set(active: Bool) throws(HALError) {
        try line.withLock { (l) throws(HALError) in
            guard let l else { throw HALError(.unavailable, device: device, errno: EBADF) }
            if needle_gpio_line_set(l.pointer, active) < 0 { throw .linux(errno: errno, device: device) }
        }
    }

    /// Drives the line inactive (best effort) and releases it. After release the kernel lets
    /// the line revert, so its hardware pull decides — on upstream kernels; a Raspberry Pi
    /// kernel keeps it driven unless `dtparam=strict_gpiod` is set (`ReleasedOutputCheck`
    /// refuses to start otherwise). `drivingInactive: false` releases without that last
    /// write — what a crash does, used by the VM rig to prove the pull wins there.
    public func close(drivingInactive: Bool = true) {
        line.withLock { l in
            guard let requested = l else { return }
            if drivingInactive { _ = needle_gpio_line_set(requested.pointer, false) }
            needle_gpio_line_release(requested.pointer)
            l = nil
        }
    }
}
