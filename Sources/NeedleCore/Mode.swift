/// Operating mode of the pen. The daemon always starts in `.home`.
public enum Mode: String, Sendable, CaseIterable {
    case home
    case clinical

    /// The depth rules of this mode (DESIGN.md §3 rule 1). Fixed in code: configuration
    /// can narrow what an operator may choose, never widen these.
    public var window: DepthWindow {
        switch self {
        case .home: DepthWindow(minTargetMM: 0.05, maxTargetMM: 0.95, limitMM: 1.00)
        case .clinical: DepthWindow(minTargetMM: 1.00, maxTargetMM: 3.00, limitMM: 3.05)
        }
    }
}

/// Which targets a mode accepts and the measured depth at which the motor trips.
///
/// Home: every measured depth stays strictly under 1.00 mm, so the trip is at ≥ 1.00 and
/// the deepest target (0.95) keeps a full tolerance band (±0.05) below it.
/// Clinical: targets 1.00–3.00 mm. Its trip sits at 3.05 (deepest target + tolerance):
/// a trip at 3.00 would make the allowed 3.00 target unrunnable, since sensor noise alone
/// crosses it. Drift beyond the tolerance stops the motor before the trip in both modes.
public struct DepthWindow: Sendable, Equatable {
    public var minTargetMM: Double
    public var maxTargetMM: Double
    /// A valid sample at or beyond this depth while the motor runs latches `depth_limit`.
    public var limitMM: Double

    public func acceptsTarget(_ depthMM: Double) -> Bool {
        depthMM.isFinite && depthMM >= minTargetMM - 1e-9 && depthMM <= maxTargetMM + 1e-9
    }
}
