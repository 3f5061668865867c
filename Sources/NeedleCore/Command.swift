/// An operator's command to the supervisor. Authorization is decided by the daemon (it
/// knows the peer); the supervisor enforces that an unauthorized mode change is refused.
public enum SupervisorCommand: Sendable, Equatable {
    /// Arms a fully specified plan as a non-clinician (same rules as `armRequest`).
    case arm(Plan)
    /// Arms what the operator asked for, blanks filled from the area's preset.
    /// `clinician`: the peer may override an area's limits (decided by the daemon).
    case armRequest(PlanRequest, clinician: Bool)
    case disarm
    case start
    case stop
    case setMode(Mode, authorized: Bool)
    case clear
    /// Captures the current raw angle as 0 mm (first calibration point).
    case calibrateZero
    /// Computes a calibration from the captured zero and the current raw angle at
    /// `depthMM`; it becomes `status().calibrationCandidate`, not yet in use.
    case calibrateSpan(depthMM: Double)
    /// Puts a calibration in use (after the daemon has stored it). Idle only.
    case setCalibration(DepthCalibration)
    /// Runs the self-test (idle only); progress in `status().selfTest`. `includeMotor`: the
    /// spin step runs too. Only an operator's request may include it (the motor turns only
    /// on an operator's action); the power-on test checks everything else.
    case selfTest(includeMotor: Bool)
}


/// What a command that was carried out changed, for the journal.
public enum CommandOutcome: Sendable, Equatable {
    case done
    case modeChanged(from: Mode, to: Mode)
    case cleared(FaultSet)
}
