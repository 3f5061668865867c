import NeedleConfig
import NeedleCore
import NeedleDrivers
import NeedleHAL
import NeedleProtocol
import NeedleSim

/// What a pen builder hands the daemon: the devices for the control loop, the clock that
/// drives it, how the status names the backend, the world side (simulated pen only) and
/// the core's calibration.
struct BuiltPen: Sendable {
    var devices: PenDevices
    var clock: any MonotonicClock
    var kind: HardwareKind
    /// Non-nil only on the simulated pen: `sim` commands are refused (`not_simulated`) otherwise.
    var sim: SimControl?
    /// The factory calibration, if the pen has one (nil: uncalibrated until calibrated).
    var calibration: DepthCalibration?
    /// AIN1's PWM period, from `[hardware.pwm] frequency_hz`.
    var pwmPeriodNs: UInt32
    /// The cartridge's ID EEPROM, on the depth sensor's bus (the loop owns that bus).
    var cartridge: CartridgeEEPROM
    /// What the builder could not do as configured but that does not stop the pen (a
    /// kernel debounce the GPIO uAPI lacks): logged once at start-up.
    var notices: [String] = []
    /// The simulated pen's clock when the pen runs on tick time (nil on real hardware).
    ///
    /// The simulated pen is advanced by exactly one control period per tick, so its physics
    /// and its supervision see a steady 1 kHz whatever the host does. On a busy machine the
    /// kernel can hold the loop thread for 5–12 ms even at SCHED_FIFO (measured here); on
    /// wall time that reads as a gap in the depth samples and, rightly, latches
    /// `sensor_fault` (DESIGN §3 rule 3) — a fault of the test host, not of the pen. The
    /// gap rule itself is proved on the core's virtual clock; real-time behaviour is
    /// measured by needle-bench and on the kernel's devices in the VM rig.
    var tickClock: VirtualClock?
}

extension HardwareSection {
    /// The core's calibration (`[hardware.calibration]`), nil when the file gives none.
    /// - Throws: a factory calibration that fails the core's check (DESIGN.md §3 rule 10) stops
    ///   start-up, naming the key: a pen must not read depths on a scale known to be wrong,
    ///   and silently running uncalibrated would hide the mistake in the file.
    func coreCalibration() throws(DaemonError) -> DepthCalibration? {
        do throws(ConfigError) { return try checkedCalibration() } catch { throw .invalidArgument(error.description) }
    }

    /// `[hardware.calibration]` as the core's calibration, checked as every calibration is
    /// (DESIGN.md §3 rule 10); nil when the file gives none. Read when the file is loaded
    /// (start-up and reload) and again when the pen is built.
    /// - Throws: the key at fault, its value and why.
    func checkedCalibration() throws(ConfigError) -> DepthCalibration? {
        guard let section = calibration else { return nil }
        let calibration = DepthCalibration(zeroCounts: section.zeroCounts, mmPerCount: section.mmPerCount)
        guard let problem = CalibrationMath.problem(with: calibration) else { return calibration }
        let field = "hardware.calibration.\(problem.field.rawValue)"
        switch problem {
        case .notFinite(_, let value):
            throw ConfigError(.outOfRange, field: field, value: "\(value)", allowed: "finite numbers")
        case .wrongDirection(let scale), .scaleTooFine(let scale), .scaleTooCoarse(let scale):
            throw ConfigError(
                .outOfRange, field: field, value: "\(scale)",
                allowed: "\(CalibrationMath.minimumMMPerCount) (exclusive)...\(CalibrationMath.maximumMMPerCount)",
                note: "\(problem)")
        case .travelOffSensor(let zero, _, _, _):
            throw ConfigError(.conflict, field: field, value: "\(zero)", allowed: "\(problem)")
        }
    }

    /// Allowed PWM frequencies: the DRV8833 switches up to 250 kHz; below 1 kHz the motor
    /// whines and the period no longer fits the control tick's idea of a duty.
    static let pwmFrequencyRange = 1_000...250_000

    /// The trigger's kernel debounce in µs, validated (`ConfigRules.triggerDebounceMs`).
    func triggerDebounceUs() throws(DaemonError) -> UInt32 {
        let ms = gpio.lines[.trigger]?.debounceMs ?? 0
        guard ConfigRules.triggerDebounceMs.contains(ms) else {
            throw .invalidArgument(
                "hardware.gpio.trigger.debounce_ms \(ms) is outside \(ConfigRules.triggerDebounceMs.lowerBound)...\(ConfigRules.triggerDebounceMs.upperBound) ms")
        }
        return UInt32(ms) * 1000
    }

    /// `frequency_hz` as a period, validated.
    func pwmPeriodNs() throws(DaemonError) -> UInt32 {
        guard Self.pwmFrequencyRange.contains(pwm.frequencyHz) else {
            throw .invalidArgument(
                "hardware.pwm.frequency_hz \(pwm.frequencyHz) is outside \(Self.pwmFrequencyRange.lowerBound)...\(Self.pwmFrequencyRange.upperBound) Hz")
        }
        return UInt32(1_000_000_000 / pwm.frequencyHz)
    }
}
