import NeedleHAL

/// Everything observable about the simulated pen at one instant, for tests and
/// telemetry. Output levels are logical (as the daemon set them).
public struct SimSnapshot: Sendable, Equatable {
    public var timeNs: UInt64
    public var motorEnable: Bool
    public var brake: Bool
    public var heartbeat: Bool
    public var statusLED: Bool
    public var faultLED: Bool
    public var pwm: PWMState
    /// Where the collar really is (not what the sensor says).
    public var collarDepthMM: Double
    /// Where the operator is turning the collar to.
    public var collarTargetMM: Double
    /// The true stroke rate, free of any measurement.
    public var strokeRateHz: Double
    public var totalStrokes: UInt64
    public var load: Double
    public var faults: [SimFault]
    /// True while the hardware watchdog has cut motor power (no heartbeat toggle for
    /// longer than its period, or none yet since power-up).
    public var watchdogCut: Bool
    /// True while the H-bridge is driving the motor (every condition met).
    public var motorDriven: Bool
    public var triggerPressed: Bool
    /// Tach edges waiting to be read, and edges lost to a full queue.
    public var pendingTachEdges: Int
    public var droppedTachEdges: UInt64
}
