/// What the operator asked for: the depth to treat at, the speed level, and optionally a
/// body area and a session duration after which the motor stops by itself.
public struct Plan: Sendable, Equatable {
    public var targetDepthMM: Double
    /// Speed level 1...10, mapped linearly to 50...150 strokes per second.
    public var speedLevel: Int
    public var area: String?
    public var durationS: Double?
    /// A clinician overrode the area's limits for this plan (kept for the record).
    public var override: Bool
    /// Whom the plan treats: the clinic's pseudonymous reference (nil: a home pen's one
    /// implicit client). Clinical mode arms no plan without one.
    public var client: String?

    public init(
        targetDepthMM: Double, speedLevel: Int = 5, area: String? = nil, durationS: Double? = nil,
        override: Bool = false, client: String? = nil
    ) {
        self.client = client
        self.targetDepthMM = targetDepthMM
        self.speedLevel = speedLevel
        self.area = area
        self.durationS = durationS
        self.override = override
    }

    public static let speedLevels = 1...10
    public static let maxDurationS = 3600.0

    /// Stroke rate of a speed level: level 1 is 50 Hz, level 10 is 150 Hz.
    public static func strokeRateHz(level: Int) -> Double {
        50 + Double(level - 1) * 100 / 9
    }
}
