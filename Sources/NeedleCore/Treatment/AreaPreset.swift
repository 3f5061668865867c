/// What an area is normally treated with: the depths that suit it, and the speed and
/// session time used when a plan does not say.
public struct AreaPreset: Sendable, Equatable {
    public var area: TreatmentArea
    /// Depths that suit the area, before clamping to a mode's window.
    public var depthRangeMM: ClosedRange<Double>
    /// Depth used when a plan names the area but no depth (clamped into the mode's range).
    public var defaultDepthMM: Double
    /// Speed level 1...10 used when a plan names the area but no speed.
    public var defaultSpeedLevel: Int
    /// Motor-on time after which the session stops by itself, when the plan gives none.
    public var defaultSessionS: Double

    public init(
        area: TreatmentArea, depthRangeMM: ClosedRange<Double>, defaultDepthMM: Double,
        defaultSpeedLevel: Int, defaultSessionS: Double
    ) {
        self.area = area
        self.depthRangeMM = depthRangeMM
        self.defaultDepthMM = defaultDepthMM
        self.defaultSpeedLevel = defaultSpeedLevel
        self.defaultSessionS = defaultSessionS
    }

    /// The part of the area's range a mode allows, or nil when none of it lies inside the
    /// mode's target window (the area is then not available in that mode). This is what
    /// keeps a home pen from ever offering a depth of 1.00 mm or more.
    public func depthRange(in mode: Mode) -> ClosedRange<Double>? {
        let window = mode.window
        let low = max(depthRangeMM.lowerBound, window.minTargetMM)
        let high = min(depthRangeMM.upperBound, window.maxTargetMM)
        guard low.isFinite, high.isFinite, low <= high + 1e-9 else { return nil }
        return low...max(low, high)
    }

    /// The default depth moved into the mode's clamped range, or nil when the area is not
    /// available in that mode.
    public func defaultDepth(in mode: Mode) -> Double? {
        guard let range = depthRange(in: mode) else { return nil }
        return min(max(defaultDepthMM, range.lowerBound), range.upperBound)
    }
}
