/// Operating mode of the pen. The daemon always starts in `.home`.
public enum Mode: String, Sendable, CaseIterable {
    case home
    case clinical

    /// The depth rules of this mode (DESIGN.md §3 rule 1). Fixed in code: configuration
    /// can narrow what an operator may choose, never widen these.
    public var window: DepthWindow {
        switch self {
        case .home: DepthWindow(minTargetMM: 0.05, maxTargetMM: 0.95, limitMM: 1.00, limitIsAllowed: false)
        case .clinical: DepthWindow(minTargetMM: 1.00, maxTargetMM: 2.95, limitMM: 3.00, limitIsAllowed: true)
        }
    }
}

/// Which targets a mode accepts and the measured depth at which the motor trips.
///
/// The user's words are "under 1 mm in home mode, 1–3 mm in clinical mode":
/// - Home: every measured depth stays strictly under 1.00 mm, so a sample of 1.00 or more
///   trips. The deepest target (0.95) keeps the full ±0.05 mm tolerance below the limit.
/// - Clinical: a measured depth above 3.00 mm is outside the mode, as 1.00 is outside home
///   mode, so a sample above 3.00 trips and 3.00 itself is still inside. The deepest target
///   is 2.95 for the same reason as home's 0.95: the tolerance band must fit under the limit.
/// Drift beyond the tolerance stops the motor before the trip in both modes.
public struct DepthWindow: Sendable, Equatable {
    public var minTargetMM: Double
    public var maxTargetMM: Double
    /// The deepest a measured depth may be: a sample beyond it while the motor turns latches
    /// `depth_limit` in that tick.
    public var limitMM: Double
    /// Whether a depth of exactly `limitMM` is still inside the mode (clinical: "1–3 mm"
    /// includes 3.00; home: "under 1 mm" excludes 1.00).
    public var limitIsAllowed: Bool

    /// Floating-point slack for comparisons of computed depths with the decimal bounds
    /// (1e-9 mm is far below one sensor count, about 1e-3 mm).
    static let slackMM = 1e-9

    public func acceptsTarget(_ depthMM: Double) -> Bool {
        depthMM.isFinite && depthMM >= minTargetMM - Self.slackMM && depthMM <= maxTargetMM + Self.slackMM
    }

    /// Whether a measured depth lies beyond this mode's limit. NaN counts as beyond: a
    /// number that cannot be compared is no evidence of a safe depth.
    public func isBeyondLimit(_ depthMM: Double) -> Bool {
        guard !depthMM.isNaN else { return true }
        return limitIsAllowed ? depthMM > limitMM + Self.slackMM : depthMM >= limitMM - Self.slackMM
    }
}
