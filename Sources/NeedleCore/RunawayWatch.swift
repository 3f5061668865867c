/// Watches for a motor that turns without software's consent (DESIGN.md §3 rule 6):
/// tach strokes while the motor is not driven, beyond what the cam's coast-down can make,
/// or a stroke rate above the fastest level plus a margin. Either means that the enable
/// line is stuck high electrically, or the PWM ignores its writes: software no longer
/// controls the motor, so the supervisor latches `runaway` and stops the heartbeat, and
/// the hardware monostable cuts motor power.
struct RunawayWatch: Sendable {
    /// The last tick whose output drove the motor (or the start, for a motor that turns
    /// before needled ever drove it).
    private var drivenUntilNs: UInt64
    /// Strokes counted since the motor was last driven.
    private var undrivenStrokes = 0

    init(startNs: UInt64) {
        drivenUntilNs = startNs
    }

    /// Notes one tick's tach strokes. `driven`: the previous tick's output enabled the
    /// motor. `lastStrokeNs` is nil when the batch's timestamp cannot be trusted (then only
    /// the count speaks). Returns true when the strokes mean a runaway.
    mutating func note(
        strokes: Int, lastStrokeNs: UInt64?, driven: Bool, nowNs: UInt64, config: SafetyConfig
    ) -> Bool {
        if driven {
            drivenUntilNs = nowNs
            undrivenStrokes = 0
            return false
        }
        guard strokes > 0 else { return false }
        undrivenStrokes += strokes
        if undrivenStrokes > config.runawayCoastStrokes { return true }
        if let last = lastStrokeNs, last.nanoseconds(since: drivenUntilNs) > config.runawayCoastNs { return true }
        return false
    }

    /// Whether a measured stroke rate is faster than any level may drive.
    static func overspeed(rateHz: Double, config: SafetyConfig) -> Bool {
        rateHz > config.runawayRateHz
    }

    /// The motor has been quiet long enough for a `runaway` fault's cause to count as gone.
    static func quiet(lastStrokeNs: UInt64, nowNs: UInt64, config: SafetyConfig) -> Bool {
        lastStrokeNs == 0 || nowNs.nanoseconds(since: lastStrokeNs) > config.runawayCoastNs
    }
}
