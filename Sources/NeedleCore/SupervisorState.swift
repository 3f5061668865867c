/// The supervisor's state machine: idle → armed (a valid plan) → running (motor on);
/// any latched fault → fault, which only an explicit clear leaves.
public enum SupervisorState: String, Sendable, CaseIterable {
    case idle
    case armed
    case running
    case fault
    /// The self-test runs (it may spin the motor at the lowest level).
    case selfTest = "self_test"
}

/// Why the motor last stopped without a latched fault (faults speak for themselves).
public enum StopReason: String, Sendable {
    /// An operator asked (`stop`, `disarm`, or the trigger).
    case stopped
    /// The plan's duration was spent.
    case completed
    /// The measured depth left the tolerance band around the target.
    case depthMismatch = "depth_mismatch"
    /// A fault latched; the fault list says which.
    case fault
    /// The cartridge became unreadable, or its used marker could not be written.
    case cartridgeUnreadable = "cartridge_unreadable"
}

/// A read-only picture of the supervisor, cheap to copy (taken every tick for telemetry).
public struct SupervisorStatus: Sendable, Equatable {
    public var state: SupervisorState
    public var mode: Mode
    public var depthMM: Double?
    public var plan: Plan?
    public var motorOn: Bool
    public var strokeRateHz: Double
    public var targetStrokeRateHz: Double?
    public var faults: FaultSet
    public var remainingS: Double?
    public var strokes: Int
    public var lastStopReason: StopReason?
    public var duty: Double
    /// The depth calibration is measured (an uncalibrated pen cannot arm).
    public var calibrated: Bool
    /// The calibration in use (nil while uncalibrated).
    public var calibration: DepthCalibration?
    /// Raw angle captured by `calibrateZero`, waiting for a span.
    public var pendingZeroCounts: UInt16?
    /// The calibration `calibrateSpan` computed, to store and then `setCalibration`.
    public var calibrationCandidate: DepthCalibration?
    public var cartridge: CartridgeStatus
    /// The supervisor is asking the loop to mark the cartridge used.
    public var cartridgeMarkPending: Bool
    public var selfTest: SelfTestResult
    /// The self-test's motor step (run only when an operator asks for it).
    public var selfTestMotor: SelfTestMotorCheck
    /// The open treatment session, else the last one closed (nil before the first start).
    public var session: SessionTally?
    /// The session closed before `session` opened.
    public var previousSession: SessionTally?
    public var window: DepthWindow { mode.window }
}
