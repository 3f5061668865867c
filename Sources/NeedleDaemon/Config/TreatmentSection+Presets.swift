import NeedleConfig
import NeedleCore

extension TreatmentSection {
    /// The built-in presets with this section's overrides laid over them. A partial entry
    /// is re-checked with the built-in values it keeps (a `depth_max_mm` below the built-in
    /// minimum, say); the mode's window still clamps the result on every use, so no entry
    /// can make a home pen offer 1.00 mm or more.
    func presetTable() throws(ConfigError) -> AreaPresetTable {
        var table = AreaPresetTable.standard
        for (name, entry) in areas.sorted(by: { $0.key < $1.key }) {
            guard let area = TreatmentArea(name: name) else {
                throw ConfigError(
                    .unknownTable, field: "treatment.areas.\(name)",
                    allowed: TreatmentArea.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let base = table.preset(for: area)
            let low = entry.depthMinMM ?? base.depthRangeMM.lowerBound
            let high = entry.depthMaxMM ?? base.depthRangeMM.upperBound
            let field = "treatment.areas.\(name)"
            guard low <= high else {
                throw ConfigError(
                    .conflict, field: field, value: "\(low)...\(high)",
                    allowed: "depth_min_mm must not be above depth_max_mm (with the built-in values kept)")
            }
            let depth = entry.defaultDepthMM ?? min(max(base.defaultDepthMM, low), high)
            guard (low...high).contains(depth) else {
                throw ConfigError(
                    .conflict, field: field + ".default_depth_mm", value: "\(depth)",
                    allowed: "must lie within \(low)...\(high)")
            }
            table.set(AreaPreset(
                area: area, depthRangeMM: low...high, defaultDepthMM: depth,
                defaultSpeedLevel: entry.speed ?? base.defaultSpeedLevel,
                defaultSessionS: entry.sessionS ?? base.defaultSessionS))
        }
        return table
    }
}
