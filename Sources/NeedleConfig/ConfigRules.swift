/// The limits a configuration is checked against, in one place so the parser, the
/// example file's comments and the README agree.
public enum ConfigRules {
    /// The control-loop rate: from `ControlRate.lowestHz` (derived below) to 8 kHz, above
    /// which one AS5600 read (~125 µs at 400 kHz) no longer fits in a period.
    public static let rateHz = ControlRate.lowestHz...8000
    /// The trigger's kernel debounce, ms (0: none). A press is reported this much later,
    /// and the trigger also stops the motor, so the bound is short: 20 ms is still far
    /// below a deliberate press (~100 ms) and above a switch's usual bounce (1–5 ms).
    public static let triggerDebounceMs = 0...20
    /// swift-log's levels, by their raw values.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    /// DESIGN.md §2's ±0.05 mm is the loosest allowed; the file may only tighten it.
    public static let toleranceMM = 0.01...0.05
    /// 7-bit I2C addresses that are not reserved.
    public static let i2cAddress = 0x03...0x77
    /// What the DRV8833 and sysfs PWM handle without audible whine or excessive losses.
    public static let pwmFrequencyHz = 1000...100_000
    /// The AS5600 gives 12-bit angles.
    public static let zeroCounts = 0.0...4095.0
    /// Days between two sessions on the same area: the usual guidance is 4 to 6 weeks; a
    /// day at least (0 would switch the guard off), a year at most.
    public static let minimumIntervalDays = 1...365
    /// Free MiB needed to arm: 1 at least (0 would switch the check off), 100 GB at most.
    public static let minFreeMB = 1...100_000
    /// An area's depths: the shallowest home target (0.05 mm) to the deepest clinical one
    /// (3.00 mm). Each mode's window still clamps them; the file can never widen a window.
    public static let areaDepthMM = 0.05...3.00
    /// Speed levels, as the core's plans take them (level 1 is 50, level 10 150 strokes/s).
    public static let speedLevels = 1...10
    /// An area's session time, s: at least 10 s, at most the core's longest plan (an hour).
    public static let sessionS = 10.0...3600.0
    /// sun_path holds 108 bytes including the terminating NUL.
    public static let maxSocketPathBytes = 107
    /// Users and groups given by number: any id but (uid_t)-1, which means "none".
    public static let numericID: ClosedRange<Int> = 0...Int(UInt32.max - 1)
}

/// Why the control loop may not run slower than `lowestHz`, derived from the two times a
/// tick must fit into. Both are safety times of other parts; they are restated here
/// because this module sees neither the core nor the hardware (NeedleDaemonTests checks
/// that they still equal the core's `SafetyConfig.sensorTimeoutNs` and the simulated
/// monostable's period).
public enum ControlRate {
    /// DESIGN §3 rule 3: no valid depth sample for this long latches `sensor_fault`. A tick
    /// longer than this makes every gap between two samples a sensor fault, and leaves the
    /// depth unwatched for longer than the rule allows.
    public static let sensorTimeoutNs: UInt64 = 5_000_000
    /// DESIGN §3 rule 5: the heartbeat monostable cuts motor power this long after its last
    /// trigger. The 74HC123 triggers on the heartbeat's rising edges, one every two ticks
    /// (the line toggles each tick); edges further apart than the pulse cut the motor of a
    /// healthy pen. (The reference part is set to ≈10 ms: at `lowestHz` its edges still
    /// come twice per pulse, see hardware/README.md.)
    public static let heartbeatPulseNs: UInt64 = 20_000_000
    /// Ticks between two rising edges of the heartbeat.
    public static let ticksPerHeartbeatEdge: UInt64 = 2
    /// Each time must hold at least this many of what must fit in it: a tick in the sensor
    /// timeout, a heartbeat edge interval in the pulse. Two, so that one late tick (the
    /// loop's jitter, a slow transfer) is not by itself a sensor fault or a motor cut-out.
    public static let margin: UInt64 = 2

    /// The lowest rate the sensor timeout allows: a period of at most timeout / margin.
    public static let sensorBoundHz = Int(ceilDiv(1_000_000_000 * margin, sensorTimeoutNs))
    /// The lowest rate the monostable allows: rising edges at most pulse / margin apart.
    public static let heartbeatBoundHz = Int(ceilDiv(1_000_000_000 * margin * ticksPerHeartbeatEdge, heartbeatPulseNs))
    /// The lowest allowed control rate: the stricter of the two bounds (400 Hz).
    public static let lowestHz = max(sensorBoundHz, heartbeatBoundHz)

    /// Both reasons, for every message that refuses a rate below `lowestHz`.
    public static let whyLowest =
        "below \(lowestHz) Hz a tick (1/rate) no longer fits \(margin) times in the \(sensorTimeoutNs / 1_000_000) ms sensor timeout "
        + "(needs \(sensorBoundHz) Hz), and the heartbeat's rising edges (one every \(ticksPerHeartbeatEdge) ticks) no longer come "
        + "\(margin) times per \(heartbeatPulseNs / 1_000_000) ms monostable pulse (needs \(heartbeatBoundHz) Hz)"

    private static func ceilDiv(_ a: UInt64, _ b: UInt64) -> UInt64 { (a + b - 1) / b }
}
