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

    /// The scratch supervisor and its synthetic clock: one sample per millisecond.
    struct Scratch {
        var supervisor: SafetySupervisor
        var nowNs: UInt64

        init(config loopConfig: SafetyConfig, startNs: UInt64) {
            var config = loopConfig
            config.calibration = TripPathExercise.calibration
            config.calibrated = true
            config.cartridgeIdentityRequired = false
            supervisor = SafetySupervisor(config: config, startNs: startNs)
            nowNs = startNs
        }

        /// One tick with the collar at `mm`, magnet good, no interlock.
        mutating func sample(_ mm: Double, strokes: Int = 0) -> OutputCommand {
            nowNs += 1_000_000
            let raw = UInt16(TripPathExercise.calibration.zeroCounts + mm / TripPathExercise.calibration.mmPerCount)
            var readings = Readings(nowNs: nowNs, depth: .reading(rawAngle: raw, magnetGood: true))
            readings.strokes = strokes
            readings.lastStrokeNs = strokes > 0 ? nowNs : 0
            return supervisor.tick(readings)
        }

        mutating func command(_ command: SupervisorCommand) -> Bool {
            if case .success = supervisor.handle(command, nowNs: nowNs) { return true }
            return false
        }

        /// Runs the scratch's self-test to a pass (a stroke every 10 ms: 100 Hz while it
        /// spins), for a core that arms only after a passed self-test.
        mutating func passSelfTest() -> Bool {
            guard command(.selfTest(includeMotor: false)) else { return false }
            for tick in 0..<3000 {
                guard case .running = supervisor.status().selfTest else { break }
                _ = sample(0.90, strokes: tick % 10 == 0 ? 1 : 0)
            }
            return supervisor.status().selfTest == .passed
        }
    }

    /// Arms at 0.90 mm (after a self-test if the core asks for one), starts, walks the
    /// collar 0.05 mm per millisecond (a plausible move) to 1.00 mm and returns whether the
    /// scratch tripped with the enable low in that tick.
    static func run(config: SafetyConfig, startNs: UInt64) -> Bool {
        var scratch = Scratch(config: config, startNs: startNs)
        for _ in 0..<20 { _ = scratch.sample(0.90) }
        let plan = Plan(targetDepthMM: 0.90, speedLevel: Plan.speedLevels.lowerBound)
        guard scratch.command(.arm(plan)) || (scratch.passSelfTest() && scratch.command(.arm(plan))),
              scratch.command(.start), scratch.sample(0.90).motorEnable, scratch.sample(0.95).motorEnable
        else { return false }
        let trip = scratch.sample(1.00)
        return !trip.motorEnable && scratch.supervisor.faults.contains(.depthLimit)
    }
}
