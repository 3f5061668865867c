/// The supervisor's state machine: idle → armed (a valid plan) → running (motor on);
/// any latched fault → fault, which only an explicit clear leaves.
public enum SupervisorState: String, Sendable {
    case idle
    case armed
    case running
    case fault
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
    public var window: DepthWindow { mode.window }
}
