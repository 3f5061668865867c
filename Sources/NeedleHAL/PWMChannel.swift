/// The whole state of a PWM channel, as the Linux PWM ABI describes it.
public struct PWMState: Sendable, Equatable {
    public var periodNs: UInt32
    public var dutyNs: UInt32
    public var enabled: Bool

    public init(periodNs: UInt32, dutyNs: UInt32, enabled: Bool) {
        self.periodNs = periodNs
        self.dutyNs = min(dutyNs, periodNs)
        self.enabled = enabled
    }

    /// Duty as a fraction 0...1 (0 when disabled).
    public var dutyFraction: Double {
        guard enabled, periodNs > 0 else { return 0 }
        return Double(dutyNs) / Double(periodNs)
    }

    /// A state at `periodNs` with the duty fraction clamped to 0...1.
    public static func duty(_ fraction: Double, periodNs: UInt32, enabled: Bool = true) -> PWMState {
        let clamped = fraction.isFinite ? Swift.min(Swift.max(fraction, 0), 1) : 0
        return PWMState(periodNs: periodNs, dutyNs: UInt32(Double(periodNs) * clamped), enabled: enabled)
    }

    public static let off = PWMState(periodNs: 50_000, dutyNs: 0, enabled: false)
}

/// A PWM output (the motor driver's AIN1).
public protocol PWMChannel: AnyObject, Sendable {
    /// Applies the state; a backend writes only what changed.
    func apply(_ state: PWMState) throws(HALError)
}
