import NeedleCore
import NeedleProtocol

/// Turns the supervisor's picture into the wire's `status` result.
enum StatusMapping {
    static func result(_ s: SupervisorStatus, hardware: HardwareKind, uptimeS: Double) -> StatusResult {
        StatusResult(
            state: PenState(rawValue: s.state.rawValue) ?? .fault,
            mode: OperatingMode(rawValue: s.mode.rawValue) ?? .home,
            depthMM: s.depthMM.map(round3),
            targetDepthMM: s.plan?.targetDepthMM,
            window: .init(min: s.window.minTargetMM, max: s.window.maxTargetMM),
            motorOn: s.motorOn,
            strokeRateHz: round3(s.strokeRateHz),
            targetStrokeRateHz: s.targetStrokeRateHz.map(round3),
            speed: s.plan?.speedLevel,
            area: s.plan?.area,
            faults: s.faults.faults.compactMap { FaultCode(rawValue: $0.code) },
            hardware: hardware,
            remainingS: s.remainingS.map(round3),
            strokes: s.strokes,
            uptimeS: round3(uptimeS),
            lastStopReason: s.lastStopReason?.rawValue)
    }

    private static func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
