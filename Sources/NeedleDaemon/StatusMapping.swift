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
            durationS: s.plan?.durationS,
            override: s.plan?.override,
            faults: s.faults.faults.compactMap { FaultCode(rawValue: $0.code) },
            hardware: hardware,
            remainingS: s.remainingS.map(round3),
            strokes: s.strokes,
            uptimeS: round3(uptimeS),
            lastStopReason: s.lastStopReason?.rawValue,
            calibrated: s.calibrated,
            selfTest: selfTest(s.selfTest, motor: s.selfTestMotor),
            cartridge: cartridge(s.cartridge))
    }

    static func selfTest(_ result: SelfTestResult, motor: SelfTestMotorCheck) -> SelfTestReport {
        switch result {
        case .notRun: SelfTestReport(result: .notRun, motor: motor.rawValue)
        case .running(let step): SelfTestReport(result: .running, step: step.rawValue, motor: motor.rawValue)
        case .passed: SelfTestReport(result: .passed, motor: motor.rawValue)
        case .failed(let step): SelfTestReport(result: .failed, step: step.rawValue, motor: motor.rawValue)
        }
    }

    /// Serial and lot become text here, off the control loop (it allocates).
    static func cartridge(_ status: CartridgeStatus) -> CartridgeReport {
        switch status {
        case .unknown: .unknown
        case .absent: CartridgeReport(state: .absent)
        case .reading: CartridgeReport(state: .reading)
        case .unreadable: CartridgeReport(state: .unreadable)
        case .identified(let info):
            CartridgeReport(
                state: .identified, serial: info.serial.text, lot: info.lot.text, needles: Int(info.needleCount),
                used: info.used)
        }
    }
}
