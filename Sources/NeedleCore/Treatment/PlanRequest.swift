/// An arm request as the operator gave it: anything left out is filled from the named
/// area's preset (or the plain defaults when no area is named). The daemon builds one from
/// the socket's `arm` arguments and sends `.armRequest(request, clinician:)`.
public struct PlanRequest: Sendable, Equatable {
    /// nil: the area's default depth (an area is then required).
    public var targetDepthMM: Double?
    /// nil: the area's default speed, else level 5.
    public var speedLevel: Int?
    /// A `TreatmentArea` identifier (snake_case); nil for none.
    public var area: String?
    /// nil: the area's default session time, else no time limit.
    public var durationS: Double?
    /// Treat outside the area's depth range (and, with records, inside its minimum
    /// interval in clinical mode). Only a clinician may ask for it.
    public var override: Bool
    /// The records and calendar time the daemon read for this arm: the supervisor judges the
    /// minimum interval (and a clock behind the records) with it in the mode it arms in.
    public var interval: IntervalEvidence?
    /// The client treated (checked for its form at the socket); required in clinical mode.
    public var client: String?
    /// What the records say about the seated cartridge (nil: a daemon without records).
    public var cartridgeRecord: CartridgeRecordEvidence?

    public init(
        targetDepthMM: Double? = nil, speedLevel: Int? = nil, area: String? = nil, durationS: Double? = nil,
        override: Bool = false, interval: IntervalEvidence? = nil, client: String? = nil,
        cartridgeRecord: CartridgeRecordEvidence? = nil
    ) {
        self.cartridgeRecord = cartridgeRecord
        self.client = client
        self.targetDepthMM = targetDepthMM
        self.speedLevel = speedLevel
        self.area = area
        self.durationS = durationS
        self.override = override
        self.interval = interval
    }

    /// The request that a fully specified plan stands for.
    public init(_ plan: Plan) {
        self.init(
            targetDepthMM: plan.targetDepthMM, speedLevel: plan.speedLevel, area: plan.area,
            durationS: plan.durationS, override: plan.override, client: plan.client)
    }

    public static let defaultSpeedLevel = 5

    /// Fills in the blanks from `presets` and applies the area's rules for `mode`. The
    /// mode's own window (and speed/duration ranges) are checked afterwards by the
    /// supervisor, on the resolved plan, exactly as for any plan.
    ///
    /// Refusals: `unauthorized` (override from a non-clinician), `unknown_area`,
    /// `area_unavailable` (none of the area's range lies inside the mode's window),
    /// `invalid_request` (neither depth nor area), `depth_out_of_range_for_area`,
    /// `client_required` (clinical mode without a client).
    public func resolve(presets: AreaPresetTable, mode: Mode, clinician: Bool) -> Result<Plan, Refusal> {
        let resolved = resolveArea(presets: presets, mode: mode, clinician: clinician)
        // A clinic treats many people with one pen: the interval guard and the records can
        // only tell them apart by the reference given here. Judged after the area's own
        // refusals, which say more about what to change.
        if case .success = resolved, mode == .clinical, client == nil {
            return .failure(Refusal(.clientRequired, "clinical mode needs the client's reference (--client REF) for every plan"))
        }
        return resolved
    }

    private func resolveArea(presets: AreaPresetTable, mode: Mode, clinician: Bool) -> Result<Plan, Refusal> {
        if override, !clinician {
            return .failure(Refusal(.unauthorized, "only a clinician may override an area's limits"))
        }
        guard let name = area else {
            guard let depth = targetDepthMM else {
                return .failure(Refusal(.invalidRequest, "give a depth, or an area to take its default depth from"))
            }
            return .success(Plan(
                targetDepthMM: depth, speedLevel: speedLevel ?? Self.defaultSpeedLevel, area: nil,
                durationS: durationS, override: override, client: client))
        }
        guard let known = TreatmentArea(name: name) else {
            return .failure(Refusal(.unknownArea, "unknown area \"\(name)\"; known: \(TreatmentArea.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let preset = presets.preset(for: known)
        guard let range = preset.depthRange(in: mode), let defaultDepth = preset.defaultDepth(in: mode) else {
            return .failure(Refusal(
                .areaUnavailable,
                "\(known.rawValue) (\(mm(preset.depthRangeMM.lowerBound))–\(mm(preset.depthRangeMM.upperBound))) "
                    + "is not offered in \(mode.rawValue) mode (\(mm(mode.window.minTargetMM))–\(mm(mode.window.maxTargetMM)))"))
        }
        let depth = targetDepthMM ?? defaultDepth
        // A depth outside the mode's window is the mode's refusal (depth_out_of_range),
        // which no override lifts; the supervisor's plan check gives it.
        let insideArea = depth >= range.lowerBound - 1e-9 && depth <= range.upperBound + 1e-9
        if mode.window.acceptsTarget(depth), !insideArea, !override {
            return .failure(Refusal(
                .depthOutOfRangeForArea,
                "\(mm(depth)) is outside \(known.rawValue)'s \(mm(range.lowerBound))–\(mm(range.upperBound)) "
                    + "in \(mode.rawValue) mode (a clinician may override)"))
        }
        return .success(Plan(
            targetDepthMM: depth, speedLevel: speedLevel ?? preset.defaultSpeedLevel, area: known.rawValue,
            durationS: durationS ?? preset.defaultSessionS, override: override, client: client))
    }
}
