/// The limits a configuration is checked against, in one place so the parser, the
/// example file's comments and the README agree.
public enum ConfigRules {
    /// Below 100 Hz the 5 ms sensor timeout cannot be met; above 8 kHz one AS5600 read
    /// (~125 µs at 400 kHz) no longer fits in a period.
    public static let rateHz = 100...8000
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
