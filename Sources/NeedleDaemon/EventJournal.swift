import Logging
import NeedleCore

/// Turns changes of the supervisor's state into journal lines. It runs beside the control
/// loop (never in it: a tick must not log) and compares successive status pictures; faults
/// latch until cleared, so a poll every few milliseconds never misses one.
public struct EventJournal: Sendable {
    private var last: SupervisorStatus?
    private var reportedOverruns: UInt64 = 0
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Reports control periods the loop missed: each one is a gap in the heartbeat, and a
    /// gap of 20 ms lets the hardware monostable cut the motor.
    public mutating func observe(overruns: UInt64, maxJitterNs: UInt64) {
        guard overruns > reportedOverruns else { return }
        logger.warning(
            "control loop missed its period",
            metadata: ["overruns": "\(overruns)", "worst_late_us": "\(maxJitterNs / 1000)"])
        reportedOverruns = overruns
    }

    public mutating func observe(_ status: SupervisorStatus) {
        defer { last = status }
        guard let last else {
            logger.info("supervisor ready", metadata: ["state": "\(status.state.rawValue)", "mode": "\(status.mode.rawValue)"])
            return
        }
        let newFaults = status.faults.subtracting(last.faults)
        for fault in newFaults.faults {
            logger.error(
                "fault latched: motor off",
                metadata: [
                    "fault": "\(fault.code)",
                    "depth_mm": "\(status.depthMM.map(logText) ?? "none")",
                    "mode": "\(status.mode.rawValue)",
                    "stroke_rate_hz": "\(logText(status.strokeRateHz))",
                    "duty": "\(logText(status.duty))",
                    "strokes": "\(status.strokes)",
                ])
        }
        if status.state != last.state {
            var metadata: Logger.Metadata = ["from": "\(last.state.rawValue)", "to": "\(status.state.rawValue)"]
            if let reason = status.lastStopReason, last.state == .running { metadata["reason"] = "\(reason.rawValue)" }
            if let plan = status.plan {
                metadata["target_mm"] = "\(logText(plan.targetDepthMM))"
                metadata["speed"] = "\(plan.speedLevel)"
                if let area = plan.area { metadata["area"] = "\(area)" }
            }
            logger.notice("state changed", metadata: metadata)
        }
        if status.mode != last.mode {
            logger.notice("mode changed", metadata: ["from": "\(last.mode.rawValue)", "to": "\(status.mode.rawValue)"])
        }
    }
}
