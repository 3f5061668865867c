import NeedleConfig
import NeedleDrivers
import NeedleHAL
import NeedleLinux

/// Builds the pen on real Linux devices from `[hardware]`: libgpiod lines (by name across
/// every chip, or by offset on `gpio.chip`), the AS5600 over i2c-dev, and AIN1 on sysfs PWM.
///
/// Order and failure handling serve rule 4: outputs are requested first and with their
/// inactive value, the motor enable before anything else. If any later step fails, every
/// output already opened is driven inactive and released (and every input released)
/// before the error, which names the role and the line or device, is thrown.
///
/// A kernel that keeps released outputs driven (Raspberry Pi kernels without
/// `dtparam=strict_gpiod`) fails the build right after the outputs are requested: the
/// pen does not start at all, rather than start and refuse to arm. Its outputs have then
/// been driven inactive (clearing whatever an earlier crash left driven) and, released,
/// stay at that safe level; no process is left that could drive the motor by any path
/// (run, self-test spin, a future command), and the remedy is a boot-configuration change
/// and a reboot, which no socket command could make anyway. The journal says what to add.
enum LinuxPenBuilder {
    /// Where the builder looks for GPIO chips and the kernel's module parameters; tests may
    /// point them elsewhere.
    static func build(
        _ hardware: HardwareSection, consumer: String = "needled", devDirectory: String = "/dev",
        sysModule: String = "/sys/module"
    ) throws(DaemonError) -> BuiltPen {
        // Rule 8: also for a section built in code rather than parsed from a file.
        do throws(ConfigError) { try FailSafeWiring.check(hardware.gpio) } catch {
            throw .invalidArgument(error.description)
        }
        let triggerDebounceUs = try hardware.triggerDebounceUs()
        let periodNs = try hardware.pwmPeriodNs()
        let factoryCalibration = try hardware.coreCalibration()
        guard let cartridgeAddress = UInt8(exactly: hardware.i2c.cartridgeAddress), cartridgeAddress < 0x80 else {
            throw .invalidArgument("hardware.i2c.cartridge_address \(hardware.i2c.cartridgeAddress) is not a 7-bit I2C address")
        }
        guard let address = UInt8(exactly: hardware.i2c.address), address < 0x80 else {
            throw .invalidArgument("hardware.i2c.address \(hardware.i2c.address) is not a 7-bit I2C address")
        }
        var opened = OpenedLines()
        do throws(DaemonError) {
            let chip = try hardware.gpio.chip.map { (spec) throws(DaemonError) -> GPIOChip in
                do throws(LinuxBackendError) { return try GPIOChip.open(spec, devDirectory: devDirectory) } catch {
                    throw .hardware(device: "GPIO chip (hardware.gpio.chip = \"\(spec)\")", reason: error.description)
                }
            }
            // Outputs first, motor enable first: each is requested driving its inactive level.
            let outputs: [LineRole] = [.motorEnable, .brake, .heartbeat, .statusLED, .faultLED]
            for role in outputs {
                let (lineChip, offset, spec) = try locate(role, in: hardware.gpio, chip: chip, devDirectory: devDirectory)
                do throws(LinuxBackendError) {
                    opened.outputs[role] = try GPIOOutputLine(
                        chip: lineChip, offset: offset, consumer: consumer, activeLow: spec.activeLow,
                        bias: spec.bias.gpio, device: role.device)
                } catch {
                    throw .hardware(device: role.described(spec), reason: error.description)
                }
            }
            if let enable = opened.outputs[.motorEnable] {
                try checkReleasedOutputs(chipLabel: enable.location.chip.label, sysModule: sysModule)
            }
            let inputs: [LineRole] = [.driverFault, .tach, .trigger, .estop, .cartridge]
            for role in inputs {
                let (lineChip, offset, spec) = try locate(role, in: hardware.gpio, chip: chip, devDirectory: devDirectory)
                // The tach counts strokes and the trigger counts presses: both need the
                // kernel's edge events (its queue holds 16 per line; the loop drains them
                // every tick). The others are read by level.
                let edges: GPIOEdges = role == .tach || role == .trigger ? .both : .none
                // Only the trigger is debounced: a debounced tach loses strokes, and a
                // debounced e-stop or nFAULT would report a stop late.
                let debounceUs: UInt32 = role == .trigger ? triggerDebounceUs : 0
                do throws(LinuxBackendError) {
                    opened.inputs[role] = try GPIOInputLine(
                        chip: lineChip, offset: offset, consumer: consumer, activeLow: spec.activeLow,
                        bias: spec.bias.gpio, edges: edges, debounceUs: debounceUs, device: role.device)
                } catch {
                    throw .hardware(device: role.described(spec), reason: error.description)
                }
            }
            let busPath = "/dev/i2c-\(hardware.i2c.bus)"
            do throws(LinuxBackendError) {
                opened.i2c = try LinuxI2CBus(bus: hardware.i2c.bus, device: "depth-i2c")
            } catch {
                throw .hardware(device: "depth sensor bus \(busPath) (hardware.i2c.bus)", reason: error.description)
            }
            guard let bus = opened.i2c else { throw .hardware(device: busPath, reason: "not opened") }
            let sensor = AS5600(bus: bus, address: address)
            try probe(sensor, bus: busPath)
            do throws(LinuxBackendError) {
                opened.pwm = try SysfsPWMChannel(
                    chip: hardware.pwm.chip, channel: hardware.pwm.channel, sysfsRoot: hardware.pwm.sysfsRoot,
                    polarity: hardware.pwm.polarity == .inversed ? .inversed : .normal, device: "motor-pwm")
            } catch {
                throw .hardware(
                    device: "motor PWM \(hardware.pwm.sysfsRoot)/pwmchip\(hardware.pwm.chip)/pwm\(hardware.pwm.channel) (hardware.pwm)",
                    reason: error.description)
            }
            let devices = try opened.devices(sensor: sensor)
            var notices: [String] = []
            if triggerDebounceUs > 0, opened.inputs[.trigger]?.kernelDebounceUs == 0 {
                notices.append(
                    "the trigger's kernel debounce (hardware.gpio.trigger.debounce_ms = \(triggerDebounceUs / 1000)) "
                        + "is not applied: libgpiod \(GPIOShimInfo.apiVersion).x's uAPI has none; only the software debounce acts")
            }
            return BuiltPen(
                devices: devices, clock: LinuxMonotonicClock(), kind: .linux, sim: nil,
                calibration: factoryCalibration, pwmPeriodNs: periodNs,
                cartridge: CartridgeEEPROM(bus: bus, address: cartridgeAddress), notices: notices)
        } catch {
            opened.releaseAll()
            throw error
        }
    }

    /// The chip and offset of `role`'s line: by offset on `gpio.chip`, else by name on
    /// `gpio.chip` when one is given, else by name across every chip.
    private static func locate(
        _ role: LineRole, in gpio: GPIOSection, chip: GPIOChip?, devDirectory: String
    ) throws(DaemonError) -> (GPIOChip, UInt32, LineSpec) {
        guard let spec = gpio.lines[role] else {
            throw .hardware(device: "hardware.gpio.\(role.rawValue)", reason: "no line configured for this role")
        }
        do {
            if let offset = spec.offset {
                guard let chip else {
                    throw DaemonError.hardware(
                        device: role.described(spec), reason: "an offset needs hardware.gpio.chip to say which chip")
                }
                guard let unsigned = UInt32(exactly: offset) else {
                    throw DaemonError.hardware(device: role.described(spec), reason: "offset \(offset) is negative")
                }
                return (chip, unsigned, spec)
            }
            guard let name = spec.name, !name.isEmpty else {
                throw DaemonError.hardware(device: "hardware.gpio.\(role.rawValue)", reason: "neither line nor offset is set")
            }
            if let chip {
                return (chip, try chip.offset(ofLine: name), spec)
            }
            let found = try GPIOChip.findLine(named: name, devDirectory: devDirectory)
            return (found.chip, found.offset, spec)
        } catch let error as DaemonError {
            throw error
        } catch let error as LinuxBackendError {
            throw .hardware(device: role.described(spec), reason: error.description)
        } catch {
            throw .hardware(device: role.described(spec), reason: "\(error)")
        }
    }

    /// Refuses to go on when released outputs would stay driven (DESIGN §3 rule 4 on the
    /// Raspberry Pi): the error says which kernel file showed it and what to add to
    /// config.txt.
    static func checkReleasedOutputs(chipLabel: String, sysModule: String) throws(DaemonError) {
        let what: String, evidence: String
        switch ReleasedOutputCheck.check(sysModule: sysModule, chipLabel: chipLabel) {
        case .reverts:
            return
        case .persists(let shown):
            (what, evidence) = ("this kernel keeps a released GPIO output driven at its last level", shown)
        case .unknown(let shown):
            (what, evidence) = ("cannot tell whether this kernel lets a released GPIO output go", shown)
        }
        throw .hardware(
            device: "kernel GPIO release behaviour (MOTOR_EN on \(chipLabel))",
            reason: "refusing to drive the motor: \(what) (\(evidence)), so a crash could leave MOTOR_EN high; "
                + ReleasedOutputCheck.remedy)
    }

    /// A sensor that does not answer at start-up is a wiring or configuration error, not a
    /// fault to latch later: say so at once. Three tries ride out one disturbed transfer.
    private static func probe(_ sensor: AS5600, bus: String) throws(DaemonError) {
        var last: HALError?
        for _ in 0..<3 {
            do {
                _ = try sensor.read()
                return
            } catch {
                last = error
            }
        }
        let address = "0x" + String(sensor.address, radix: 16)
        throw .hardware(
            device: "depth sensor AS5600 at \(address) on \(bus) (hardware.i2c)",
            reason: "does not answer: \(last.map { "\($0)" } ?? "unknown error")")
    }
}

/// What the builder has opened so far, so that a failure part-way can undo it.
private struct OpenedLines {
    var outputs: [LineRole: GPIOOutputLine] = [:]
    var inputs: [LineRole: GPIOInputLine] = [:]
    var i2c: LinuxI2CBus?
    var pwm: SysfsPWMChannel?

    /// Every output driven inactive and released (enable first), the PWM disabled, the
    /// inputs and the bus released.
    func releaseAll() {
        if let enable = outputs[.motorEnable] { enable.close(drivingInactive: true) }
        pwm?.close()
        for (role, line) in outputs where role != .motorEnable { line.close(drivingInactive: true) }
        for line in inputs.values { line.close() }
        i2c?.close()
    }

    func devices(sensor: AS5600) throws(DaemonError) -> PenDevices {
        func output(_ role: LineRole) throws(DaemonError) -> GPIOOutputLine {
            guard let line = outputs[role] else { throw .hardware(device: "hardware.gpio.\(role.rawValue)", reason: "not opened") }
            return line
        }
        func input(_ role: LineRole) throws(DaemonError) -> GPIOInputLine {
            guard let line = inputs[role] else { throw .hardware(device: "hardware.gpio.\(role.rawValue)", reason: "not opened") }
            return line
        }
        guard let pwm else { throw .hardware(device: "hardware.pwm", reason: "not opened") }
        return PenDevices(
            motorEnable: try output(.motorEnable), brake: try output(.brake), heartbeat: try output(.heartbeat),
            statusLED: try output(.statusLED), faultLED: try output(.faultLED), motorPWM: pwm,
            depthSensor: sensor, driverFault: try input(.driverFault), tach: try input(.tach),
            trigger: try input(.trigger), estop: try input(.estop), cartridgePresent: try input(.cartridge))
    }
}

extension LineRole {
    /// Names the line in HALErrors raised on the hot path (must be a static string).
    var device: StaticString {
        switch self {
        case .motorEnable: "motor-enable"
        case .brake: "brake"
        case .heartbeat: "heartbeat"
        case .statusLED: "status-led"
        case .faultLED: "fault-led"
        case .driverFault: "driver-fault"
        case .tach: "tach"
        case .trigger: "trigger"
        case .estop: "estop"
        case .cartridge: "cartridge"
        }
    }

    /// "GPIO line MOTOR_EN (hardware.gpio.motor_enable)".
    func described(_ spec: LineSpec) -> String {
        let which = spec.offset.map { "offset \($0)" } ?? spec.name.map { "'\($0)'" } ?? "(unset)"
        return "GPIO line \(which) (hardware.gpio.\(rawValue))"
    }
}

extension LineSpec.Bias {
    var gpio: GPIOBias {
        switch self {
        case .asIs: .asIs
        case .disabled: .disabled
        case .pullUp: .pullUp
        case .pullDown: .pullDown
        }
    }
}
