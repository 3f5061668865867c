/// The presets of every area. A value type so that the configuration can later replace
/// entries (narrower ranges, other defaults) without touching the core's rules: the mode's
/// window is applied on top of whatever the table says, so a table can never widen it.
public struct AreaPresetTable: Sendable, Equatable {
    /// One preset per area, in `TreatmentArea.allCases` order.
    public private(set) var presets: [AreaPreset]

    /// Builds a table from `presets`; areas missing from it keep the standard preset, and a
    /// later entry for the same area wins.
    public init(_ presets: [AreaPreset]) {
        var table = Self.standard.presets
        for preset in presets {
            if let index = TreatmentArea.allCases.firstIndex(of: preset.area) { table[index] = preset }
        }
        self.presets = table
    }

    private init(ordered: [AreaPreset]) {
        presets = ordered
    }

    public func preset(for area: TreatmentArea) -> AreaPreset {
        // `presets` always holds every area in allCases order (both initialisers ensure it).
        let index = TreatmentArea.allCases.firstIndex(of: area) ?? 0
        return presets[index]
    }

    /// Replaces one area's preset.
    public mutating func set(_ preset: AreaPreset) {
        if let index = TreatmentArea.allCases.firstIndex(of: preset.area) { presets[index] = preset }
    }

    /// The standard table (the ranges are the issue's; speeds and times are ours).
    ///
    /// Why these speeds and times:
    /// - Thin, bony or mobile skin (periorbital, nose, lips) gets the slowest levels (3) and
    ///   the shortest sessions (60–90 s): small areas, more bleeding and bruising risk, and the
    ///   operator works around edges.
    /// - The rest of the face and the neck run mid-speed (4–5) for 2–3 min, the usual length
    ///   of a facial pass.
    /// - Acne scars are treated deeper and stay on small zones, so mid speed (5) and 3 min.
    /// - Large body areas (arms, abdomen, legs, stretch marks) run faster (6–7) so that the
    ///   needle density per cm² stays comparable while the pen moves over more skin, for
    ///   4–5 min.
    /// Each time is well under `Plan.maxDurationS`.
    public static let standard = AreaPresetTable(ordered: [
        AreaPreset(area: .forehead, depthRangeMM: 0.25...0.75, defaultDepthMM: 0.50, defaultSpeedLevel: 5, defaultSessionS: 120),
        AreaPreset(area: .periorbital, depthRangeMM: 0.20...0.50, defaultDepthMM: 0.25, defaultSpeedLevel: 3, defaultSessionS: 60),
        AreaPreset(area: .nose, depthRangeMM: 0.25...0.50, defaultDepthMM: 0.25, defaultSpeedLevel: 3, defaultSessionS: 60),
        AreaPreset(area: .lips, depthRangeMM: 0.25...0.75, defaultDepthMM: 0.50, defaultSpeedLevel: 3, defaultSessionS: 90),
        AreaPreset(area: .cheeks, depthRangeMM: 0.50...2.00, defaultDepthMM: 1.00, defaultSpeedLevel: 5, defaultSessionS: 180),
        AreaPreset(area: .neck, depthRangeMM: 0.50...1.50, defaultDepthMM: 0.75, defaultSpeedLevel: 4, defaultSessionS: 150),
        AreaPreset(area: .acneScars, depthRangeMM: 1.00...2.00, defaultDepthMM: 1.50, defaultSpeedLevel: 5, defaultSessionS: 180),
        AreaPreset(area: .arms, depthRangeMM: 0.50...1.50, defaultDepthMM: 1.00, defaultSpeedLevel: 6, defaultSessionS: 240),
        AreaPreset(area: .abdomen, depthRangeMM: 1.50...2.50, defaultDepthMM: 2.00, defaultSpeedLevel: 7, defaultSessionS: 300),
        AreaPreset(area: .legs, depthRangeMM: 1.50...2.50, defaultDepthMM: 2.00, defaultSpeedLevel: 7, defaultSessionS: 300),
        AreaPreset(area: .stretchMarks, depthRangeMM: 1.50...2.50, defaultDepthMM: 2.00, defaultSpeedLevel: 6, defaultSessionS: 240),
    ])

    /// The areas a mode can offer (their clamped range is not empty).
    public func availableAreas(in mode: Mode) -> [TreatmentArea] {
        TreatmentArea.allCases.filter { preset(for: $0).depthRange(in: mode) != nil }
    }
}
