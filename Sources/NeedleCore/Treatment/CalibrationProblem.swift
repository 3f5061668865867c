/// Why a depth calibration is refused (DESIGN.md §3 rule 10), whatever it came from: a
/// measurement, the factory configuration or the state directory's file. The description
/// names the value by the key it has in the configuration and the file (`zero_counts`,
/// `mm_per_count`), so each source can prefix where it came from.
public enum CalibrationProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Field: String, Sendable {
        case zeroCounts = "zero_counts"
        case mmPerCount = "mm_per_count"
    }

    case notFinite(Field, Double)
    /// The scale is zero or negative: the raw angle does not grow with depth.
    case wrongDirection(mmPerCount: Double)
    /// The collar's travel would not fit between the sensor's usable raw angles.
    case scaleTooFine(mmPerCount: Double)
    /// A count is too large a part of the depth tolerance.
    case scaleTooCoarse(mmPerCount: Double)
    /// The travel's raw angles (`lowRaw…highRaw`, unwrapped) cross the 12-bit wrap or hold a
    /// glitch value.
    case travelOffSensor(zeroCounts: Double, mmPerCount: Double, lowRaw: Double, highRaw: Double)

    /// The value the problem is about: the key to name in an error.
    public var field: Field {
        switch self {
        case .notFinite(let field, _): field
        case .wrongDirection, .scaleTooFine, .scaleTooCoarse: .mmPerCount
        case .travelOffSensor: .zeroCounts
        }
    }

    public var description: String {
        let travel = DepthCalibration.travelMM
        let travelText = "\(mm(travel.lowerBound))–\(mm(travel.upperBound))"
        let low = CalibrationMath.usableRawExclusive.low, high = CalibrationMath.usableRawExclusive.high
        switch self {
        case .notFinite(let field, let value):
            return "\(field.rawValue) \(value) is not a finite number"
        case .wrongDirection(let scale):
            return "mm_per_count \(scale) is not above 0: the raw angle must grow with depth "
                + "(a sensor that counts the other way has its DIR pin wired wrong)"
        case .scaleTooFine(let scale):
            return "mm_per_count \(scale) is not above \(CalibrationMath.minimumMMPerCount): the collar's travel "
                + "(\(travelText)) would need more than the \(Int(high - low)) counts between the sensor's "
                + "glitch values \(Int(low)) and \(Int(high))"
        case .scaleTooCoarse(let scale):
            return "mm_per_count \(scale) is above \(CalibrationMath.maximumMMPerCount): one count would be more "
                + "than a fifth of the ±\(mm(SafetyConfig.maxToleranceMM)) depth tolerance"
        case .travelOffSensor(let zero, let scale, let lowRaw, let highRaw):
            // The whole-count zeros that would put this scale's travel strictly inside the usable raw angles.
            let fromZero = low - travel.lowerBound / scale, toZero = high - travel.upperBound / scale
            return "zero_counts \(zero) with mm_per_count \(scale) puts the collar's travel (\(travelText)) at raw "
                + "\(Self.counts(lowRaw.rounded(.down)))…\(Self.counts(highRaw.rounded(.up))), but it must lie strictly between raw "
                + "\(Int(low)) and \(Int(high)): off the sensor's wrap (4095 → 0) and off its glitch values "
                + "\(Int(low)) and \(Int(high)); turn the magnet on the collar so that zero reads between "
                + "\(Self.counts(fromZero.rounded(.down) + 1)) and \(Self.counts(toZero.rounded(.up) - 1))"
        }
    }

    /// A whole count in digits below 1e15 (a Double is exact to the count there); beyond, as Swift prints it (1e+300).
    private static func counts(_ value: Double) -> String {
        value.isFinite && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
