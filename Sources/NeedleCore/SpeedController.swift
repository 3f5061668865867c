/// Holds the stroke rate at its set point by closing the loop on the tach: feed-forward
/// from the motor's rated speed plus a PI correction, so that skin load (which slows the
/// motor at a given duty) does not slow the needles. Soft start: the set point ramps from
/// level 1's rate to the plan's over `softStartNs`.
struct SpeedController: Sendable {
    private var integral = 0.0
    private var startNs: UInt64 = 0
    private var lastNs: UInt64 = 0

    mutating func begin(nowNs: UInt64) {
        integral = 0
        startNs = nowNs
        lastNs = nowNs
    }

    func setPointHz(targetHz: Double, nowNs: UInt64, config: SafetyConfig) -> Double {
        let floorHz = Plan.strokeRateHz(level: 1)
        guard config.softStartNs > 0, targetHz > floorHz else { return targetHz }
        let progress = min(1, Double(nowNs.nanoseconds(since: startNs)) / Double(config.softStartNs))
        return floorHz + (targetHz - floorHz) * progress
    }

    /// Duty 0...1 for this tick.
    mutating func duty(targetHz: Double, measuredHz: Double, nowNs: UInt64, config: SafetyConfig) -> Double {
        let setPoint = setPointHz(targetHz: targetHz, nowNs: nowNs, config: config)
        let dtS = Double(nowNs.nanoseconds(since: lastNs)) / 1e9
        lastNs = nowNs
        let error = setPoint - measuredHz
        let feedForward = setPoint / config.ratedStrokeRateHz
        let proportional = config.speedKp * error
        let candidate = integral + config.speedKi * error * dtS
        let unclamped = feedForward + proportional + candidate
        // Anti-windup: integrate only while the output is not saturated in the same direction.
        if (unclamped < 1 || error < 0) && (unclamped > 0 || error > 0) {
            integral = min(max(candidate, -1), 1)
        }
        return min(max(feedForward + proportional + integral, 0), 1)
    }
}
