/// Maps the depth sensor's raw angle count to millimetres of needle depth:
/// `depth = counts(raw) * mmPerCount`, where `counts` is the raw angle's distance from
/// `zeroCounts`, unwrapped on the sensor's 12-bit circle (see `depthMM(rawAngle:)`).
/// Measured per pen and stored on disk; `CalibrationMath.problem(with:)` says whether one may
/// be used (DESIGN.md §3 rule 10).
public struct DepthCalibration: Sendable, Equatable {
    public var zeroCounts: Double
    public var mmPerCount: Double

    /// The AS5600's raw angle: 12 bits, one turn.
    public static let countsPerTurn = 4096.0
    /// The collar's whole mechanical travel: what a calibration must map, and the depths a
    /// valid sample may have (`SafetyConfig.plausibleRangeMM`).
    public static let travelMM: ClosedRange<Double> = -0.2...3.2
    /// Raw angles the AS5600 has been seen to return for no angle at all (DESIGN.md §4): 3839
    /// after a failed transfer, 0 intermittently. They are never a depth, wherever zero sits.
    public static let failedTransferRaw: UInt16 = 3839
    public static let intermittentRaw: UInt16 = 0

    public init(zeroCounts: Double, mmPerCount: Double) {
        self.zeroCounts = zeroCounts
        self.mmPerCount = mmPerCount
    }

    /// Whether `raw` is one of the field-seen glitch values (not a reading).
    public static func isGlitch(_ raw: UInt16) -> Bool {
        raw == failedTransferRaw || raw == intermittentRaw
    }

    /// The depth a raw angle stands for. The angle is a position on a circle, so the signed
    /// distance from zero is unwrapped into the one turn centred on the middle of the
    /// collar's travel: every raw angle reads as the collar position nearest to it, and a
    /// travel that sat across raw 4095 → 0 would still read right (such a calibration is
    /// refused anyway, see `CalibrationMath`). A raw angle outside the travel reads outside
    /// `travelMM`, where the depth tracker rejects it.
    ///
    /// Allocation-free: the control tick calls it.
    public func depthMM(rawAngle: UInt16) -> Double {
        let turn = Self.countsPerTurn
        let middleMM = (Self.travelMM.lowerBound + Self.travelMM.upperBound) / 2
        let middleCounts = middleMM / mmPerCount
        // Distance from the travel's middle, wrapped into [-turn/2, turn/2).
        var fromMiddle = Double(rawAngle) - zeroCounts - middleCounts
        fromMiddle -= turn * ((fromMiddle + turn / 2) / turn).rounded(.down)
        return (fromMiddle + middleCounts) * mmPerCount
    }
}
