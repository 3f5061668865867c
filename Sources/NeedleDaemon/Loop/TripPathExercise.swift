import NeedleCore

/// Runs a scratch supervisor through a synthetic over-depth trip on the loop thread before
/// its first tick, so the code the first real trip runs (the depth-limit latch, the stop of
/// a run, the fault bookkeeping) has been executed once, its pages faulted in and, under
/// `mlockall(MCL_FUTURE | MCL_ONFAULT)`, locked: the first trip on skin does not wait on a
/// page fault. The scratch is a separate value built from the loop's configuration: it
/// reads no device and writes no output, so the motor never moves, and the loop's own
/// supervisor is untouched.
enum TripPathExercise {
    /// A calibration of the scratch's own (the scratch never sees a real sample): 0.001 mm
    /// per count from 500 counts, well inside the 12-bit range over the whole travel.
    static let calibration = DepthCalibration(zeroCounts: 500, mmPerCount: 0.001)

    /// Arms at 0.90 mm, starts, walks the collar 0.05 mm per millisecond (a plausible move)
    /// to 1.00 mm and returns whether the scratch tripped with the enable low in that tick.
    static func run(config loopConfig: SafetyConfig, startNs: UInt64) -> Bool {
        var config = loopConfig
        config.calibration = calibration
        config.calibrated = true
        config.cartridgeIdentityRequired = false
        var supervisor = SafetySupervisor(config: config, startNs: startNs)
        var nowNs = startNs
        func sample(_ mm: Double, strokes: Int = 0) -> OutputCommand {
            nowNs += 1_000_000
            var readings = Readings(
                nowNs: nowNs, depth: .reading(rawAngle: UInt16(calibration.zeroCounts + mm / calibration.mmPerCount), magnetGood: true))
            readings.strokes = strokes
            readings.lastStrokeNs = strokes > 0 ? nowNs : 0
            return supervisor.tick(readings)
        }
        for _ in 0..<20 { _ = sample(0.90) }
        guard case .success = supervisor.handle(.arm(Plan(targetDepthMM: 0.90, speedLevel: Plan.speedLevels.lowerBound)), nowNs: nowNs),
              case .success = supervisor.handle(.start, nowNs: nowNs),
              sample(0.90, strokes: 1).motorEnable, sample(0.95, strokes: 1).motorEnable
        else { return false }
        let trip = sample(1.00)
        return !trip.motorEnable && supervisor.faults.contains(.depthLimit)
    }
}
