/// Two-point depth calibration, pure maths: `zero` is the raw angle at 0 mm, `span` a raw
/// angle at a known depth. The scale is `depth / (span − zero)`: negative when the magnet
/// turns the other way, which `DepthCalibration` handles as is. The collar's travel must not
/// cross the 12-bit angle's wrap (4095 → 0): that is an assembly rule, checked by the span
/// being at least `minimumSpanCounts` in the right direction on the pen.
public enum CalibrationMath {
    /// Two points closer than this give a scale too coarse to hold ±0.05 mm.
    public static let minimumSpanCounts = 200
    /// Deepest known depth a span may be taken at (the collar's travel).
    public static let maximumSpanDepthMM = 3.2

    public static func calibration(zeroRaw: UInt16, spanRaw: UInt16, depthMM: Double) -> Result<DepthCalibration, Refusal> {
        guard depthMM.isFinite, depthMM >= 0.1, depthMM <= maximumSpanDepthMM else {
            return .failure(Refusal(.invalidRequest, "span depth \(mm(depthMM)) is outside 0.10–\(mm(maximumSpanDepthMM))"))
        }
        let counts = Int(spanRaw) - Int(zeroRaw)
        guard abs(counts) >= minimumSpanCounts else {
            return .failure(Refusal(
                .spanTooSmall,
                "the span is \(abs(counts)) counts from zero; at least \(minimumSpanCounts) are needed (turn the collar further)"))
        }
        return .success(DepthCalibration(zeroCounts: Double(zeroRaw), mmPerCount: depthMM / Double(counts)))
    }

    /// Whether a calibration (e.g. loaded from disk) is usable: finite, zero on the 12-bit
    /// scale, and a scale no coarser than the smallest allowed span implies.
    public static func isUsable(_ calibration: DepthCalibration) -> Bool {
        calibration.zeroCounts.isFinite && calibration.mmPerCount.isFinite
            && (0...4095).contains(calibration.zeroCounts) && calibration.mmPerCount != 0
            && abs(calibration.mmPerCount) <= maximumSpanDepthMM / Double(minimumSpanCounts)
    }
}
