/// Two-point depth calibration and the check every calibration passes before use
/// (DESIGN.md §3 rule 10), pure maths. `zero` is the raw angle at 0 mm, `span` a raw angle at
/// a known depth; the scale is `depth / (span − zero)`.
///
/// **Direction.** The configuration has no direction setting, and there is none: the raw
/// angle must *grow* with depth (`mmPerCount > 0`), as `[hardware.calibration]` has always
/// required. A pen whose sensor counts the other way is wired wrong (the AS5600's DIR pin
/// sets the counting direction) and is refused, not accommodated: one fixed direction means a
/// span taken across the wrap can never pass as a valid "reversed" scale.
///
/// **Travel.** The collar's whole travel (`DepthCalibration.travelMM`, −0.2…3.2 mm) must map
/// into raw angles strictly between 0 and 3839: off the 12-bit wrap (4095 → 0), and off both
/// field-seen glitch values, so no real reading of the collar is ever one of them.
public enum CalibrationMath {
    /// Two points closer than this give a scale too uncertain to hold ±0.05 mm: a count of
    /// error at each point is 1 % of the scale, 0.03 mm at the deepest 3.2 mm.
    public static let minimumSpanCounts = 200
    /// Deepest known depth a span may be taken at (the collar's travel).
    public static let maximumSpanDepthMM = DepthCalibration.travelMM.upperBound
    /// Shallowest known depth a span may be taken at.
    public static let minimumSpanDepthMM = 0.1

    /// Raw angles the travel may occupy: strictly between the two glitch values, 0 and 3839.
    /// 3839 also sits below the wrap, so the 257 counts 3839…4095 and raw 0 are never part of
    /// the travel, and what is left is one stretch of 3839 counts.
    public static let usableRawExclusive = (
        low: Double(DepthCalibration.intermittentRaw), high: Double(DepthCalibration.failedTransferRaw))

    /// The finest scale: the collar's 3.4 mm travel must fit in the 3839 usable counts of the
    /// sensor's 4096 (see `usableRawExclusive`), so a count is more than 3.4 / 3839 ≈ 0.000886
    /// mm. A finer scale (the field's `mm_per_count = 0.000001` read a collar at 2.5 mm as
    /// 0.003 mm) would need more than a turn of the magnet for the travel.
    public static let minimumMMPerCount =
        (DepthCalibration.travelMM.upperBound - DepthCalibration.travelMM.lowerBound)
        / (usableRawExclusive.high - usableRawExclusive.low)

    /// The coarsest scale: a count may be at most a fifth of the ±0.05 mm tolerance, 0.01 mm.
    /// Then the AS5600's ±1 count of noise and ½ count of rounding cost at most 0.015 mm of
    /// the tolerance, a target's ±0.05 mm window holds 10 counts, and two counts of noise
    /// (0.02 mm) stay inside the jump check's 0.03 mm noise allowance. At this scale the travel
    /// is 340 counts (about 30° of the magnet).
    public static let maximumMMPerCount = SafetyConfig.maxToleranceMM / 5

    /// Why `calibration` may not be used, or nil when it may: finite, counting up with depth,
    /// a scale within `minimumMMPerCount` (exclusive) … `maximumMMPerCount`, and the whole
    /// travel inside the usable raw angles.
    public static func problem(with calibration: DepthCalibration) -> CalibrationProblem? {
        let zero = calibration.zeroCounts, scale = calibration.mmPerCount
        guard zero.isFinite else { return .notFinite(.zeroCounts, zero) }
        guard scale.isFinite else { return .notFinite(.mmPerCount, scale) }
        guard scale > 0 else { return .wrongDirection(mmPerCount: scale) }
        guard scale > minimumMMPerCount else { return .scaleTooFine(mmPerCount: scale) }
        guard scale <= maximumMMPerCount else { return .scaleTooCoarse(mmPerCount: scale) }
        let travel = rawTravel(of: calibration)
        guard travel.low > usableRawExclusive.low, travel.high < usableRawExclusive.high else {
            return .travelOffSensor(zeroCounts: zero, mmPerCount: scale, lowRaw: travel.low, highRaw: travel.high)
        }
        return nil
    }

    /// Whether a calibration may be used (`problem(with:)` finds nothing).
    public static func isUsable(_ calibration: DepthCalibration) -> Bool {
        problem(with: calibration) == nil
    }

    /// The raw angles (unwrapped, so possibly below 0 or above 4095) the travel's ends map to.
    static func rawTravel(of calibration: DepthCalibration) -> (low: Double, high: Double) {
        (calibration.zeroCounts + DepthCalibration.travelMM.lowerBound / calibration.mmPerCount,
         calibration.zeroCounts + DepthCalibration.travelMM.upperBound / calibration.mmPerCount)
    }

    public static func calibration(zeroRaw: UInt16, spanRaw: UInt16, depthMM: Double) -> Result<DepthCalibration, Refusal> {
        guard depthMM.isFinite, depthMM >= minimumSpanDepthMM, depthMM <= maximumSpanDepthMM else {
            return .failure(Refusal(
                .invalidRequest, "span depth \(mm(depthMM)) is outside \(mm(minimumSpanDepthMM))–\(mm(maximumSpanDepthMM))"))
        }
        for (name, raw) in [("zero", zeroRaw), ("span", spanRaw)] where DepthCalibration.isGlitch(raw) {
            return .failure(Refusal(
                .calibrationInvalid,
                "the \(name) was captured at raw \(raw), a value the AS5600 returns for no angle at all: capture it again"))
        }
        let counts = Int(spanRaw) - Int(zeroRaw)
        guard abs(counts) >= minimumSpanCounts else {
            return .failure(Refusal(
                .spanTooSmall,
                "the span is \(abs(counts)) counts from zero; at least \(minimumSpanCounts) are needed (turn the collar further)"))
        }
        guard counts > 0 else {
            return .failure(Refusal(
                .calibrationInvalid,
                "the span (raw \(spanRaw)) is \(-counts) counts below the zero (raw \(zeroRaw)), but the raw angle must "
                    + "grow with depth: either the sensor counts the other way (its DIR pin) or the collar's travel "
                    + "crosses the sensor's wrap at 4095 → 0 (turn the magnet on the collar); nothing was changed"))
        }
        let calibration = DepthCalibration(zeroCounts: Double(zeroRaw), mmPerCount: depthMM / Double(counts))
        if let problem = problem(with: calibration) {
            return .failure(Refusal(.calibrationInvalid, "\(problem); nothing was changed"))
        }
        return .success(calibration)
    }
}
