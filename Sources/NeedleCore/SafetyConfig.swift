/// Tunables of the supervisor. Defaults are those of DESIGN.md §3; the depth windows
/// themselves are not here because configuration must never widen them.
public struct SafetyConfig: Sendable, Equatable {
    public var calibration: DepthCalibration
    /// Measured depth must stay within this of the target to start and to keep running.
    public var toleranceMM = SafetyConfig.maxToleranceMM
    /// DESIGN.md §2's ±0.05 mm: configuration may tighten the tolerance, never widen it.
    public static let maxToleranceMM = 0.05
    /// Invalid samples in a row that latch `sensor_fault`.
    public var invalidSampleLimit = 3
    /// No valid sample for this long latches `sensor_fault`.
    public var sensorTimeoutNs: UInt64 = 5_000_000
    /// A loop away this long while the motor turns latches `sensor_fault`: the heartbeat
    /// monostable's period (DESIGN §3 rule 5), after which motor power is cut in hardware.
    public var loopGapLatchNs: UInt64 = 20_000_000
    /// Fastest the collar can physically move; a larger jump between samples is a glitch.
    public var maxCollarSpeedMMPerS = 50.0
    /// Sensor noise allowed on top of the physical movement when judging a jump.
    public var noiseAllowanceMM = 0.03
    /// The collar's mechanical range; a reading outside it is impossible, hence invalid.
    /// (The field-seen glitch values 3839 and 0 are invalid on their own, wherever zero sits:
    /// `DepthCalibration.isGlitch`.)
    public var plausibleRangeMM: ClosedRange<Double> = DepthCalibration.travelMM
    /// Consecutive consistent samples before a depth is trusted enough to start on.
    public var trustSamples = 3
    /// A raw angle that does not change at all for this long while the needles vibrate
    /// is a frozen sensor.
    public var stuckTimeoutNs: UInt64 = 50_000_000
    /// Driven with no tach stroke for this long latches `stall` (5 periods at 50 Hz).
    public var stallTimeoutNs: UInt64 = 100_000_000
    /// Strokes the cam may still make after the drive stops (coast-down) before strokes
    /// while not driven mean a runaway. A coasting cam from 150 Hz makes about 9 (time
    /// constant 60 ms on the reference motor); 30 leaves margin and still catches a motor
    /// stuck on at 150 Hz within 0.2 s.
    public var runawayCoastStrokes = 30
    /// How long after the drive stops a stroke may still come from the coast-down (the
    /// reference cam is below 2 Hz 0.26 s after a stop from 150 Hz).
    public var runawayCoastNs: UInt64 = 500_000_000
    /// A measured stroke rate above this is a runaway: the fastest level (150 Hz) plus 20 %
    /// for the speed controller's overshoot and the meter's smoothing.
    public var runawayRateHz = 180.0
    /// A tach batch stamped later than the tick's time by more than this is invalid: the
    /// loop reads the tach after the tick's clock read, so a fraction of a tick is normal,
    /// but a stamp from the future would read as a stroke "just now" and hide a stall.
    public var tachFutureSlackNs: UInt64 = 2_000_000
    /// How long the trigger must read steady before a press counts (switch bounce lasts a
    /// few ms; a press by hand lasts far longer than this).
    public var triggerDebounceNs: UInt64 = 20_000_000
    /// Arming needs a passed self-test. False keeps core unit tests that exercise other rules
    /// short; the daemon sets it true (DESIGN.md §3 rule 9).
    public var selfTestRequired = false
    /// Stroke-rate ramp from level 1's rate to the plan's rate after a start.
    public var softStartNs: UInt64 = 300_000_000
    /// Stroke rate of the unloaded motor at 100 % duty: the controller's feed-forward.
    public var ratedStrokeRateHz = 250.0
    /// Proportional gain, duty per Hz of error.
    public var speedKp = 0.002
    /// Integral gain, duty per Hz·s of error.
    public var speedKi = 0.05
    /// Depth ranges and defaults per body area; clamped to the mode's window on use.
    public var areaPresets = AreaPresetTable.standard
    /// The calibration was measured on this pen (loaded from disk, or the simulator's
    /// factory one). An uncalibrated pen refuses to arm (`not_calibrated`).
    public var calibrated = true
    /// Refuse to start unless the loop reports the cartridge's identity. False keeps
    /// today's loop (presence input only, `Readings.cartridge == .unknown`) working; the loop
    /// that drives a `CartridgeReader` sets it true.
    public var cartridgeIdentityRequired = false

    public init(calibration: DepthCalibration) {
        self.calibration = calibration
    }

    /// A pen with no calibration on disk. The placeholder scale is the AS5600's nominal
    /// 0.001 mm per count (only the self-test's steadiness check uses it).
    public static func uncalibrated() -> SafetyConfig {
        var config = SafetyConfig(calibration: DepthCalibration(zeroCounts: 0, mmPerCount: 0.001))
        config.calibrated = false
        return config
    }
}
