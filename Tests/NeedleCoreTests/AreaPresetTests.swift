import Testing
@testable import NeedleCore

@Suite("Area presets")
struct AreaPresetTests {
    let table = AreaPresetTable.standard

    @Test("every area's snake_case name round-trips; an unknown name is refused as unknown_area")
    func names() {
        #expect(TreatmentArea.allCases.map(\.rawValue) == [
            "forehead", "periorbital", "nose", "lips", "cheeks", "neck", "acne_scars", "arms", "abdomen", "legs",
            "stretch_marks",
        ])
        var h = CoreHarness()
        h.settle(at: 0.5)
        #expect(h.refusalCode(h.command(.armRequest(PlanRequest(area: "chin"), clinician: true))) == .unknownArea)
        #expect(h.supervisor.state == .idle)
    }

    @Test("home never offers 1.00 mm or more: every clamped range and default stays inside 0.05–0.95")
    func homeClamp() {
        for area in TreatmentArea.allCases {
            let preset = table.preset(for: area)
            guard let range = preset.depthRange(in: .home) else { continue }
            #expect(range.upperBound <= 0.95 + 1e-9 && range.lowerBound >= 0.05 - 1e-9, "\(area)")
            let depth = preset.defaultDepth(in: .home) ?? 9
            #expect(range.contains(depth), "\(area)")
        }
        #expect(table.preset(for: .cheeks).depthRange(in: .home) == 0.50...0.95)
        #expect(table.preset(for: .cheeks).defaultDepth(in: .home) == 0.95)
    }

    @Test("areas wholly outside a mode's window are not offered in it")
    func availability() {
        #expect(table.availableAreas(in: .home) == [.forehead, .periorbital, .nose, .lips, .cheeks, .neck, .arms])
        #expect(table.availableAreas(in: .clinical) == [.cheeks, .neck, .acneScars, .arms, .abdomen, .legs, .stretchMarks])
        var h = CoreHarness()
        h.settle(at: 0.5)
        let refused = h.command(.armRequest(PlanRequest(area: "acne_scars"), clinician: true))
        #expect(h.refusalCode(refused) == .areaUnavailable)
        _ = h.command(.setMode(.clinical, authorized: true))
        #expect(h.refusalCode(h.command(.armRequest(PlanRequest(area: "forehead"), clinician: true))) == .areaUnavailable)
    }

    @Test("an area without a depth arms at its default depth, speed and session time")
    func defaults() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.armRequest(PlanRequest(area: "forehead"), clinician: false)).get()
        let plan = try #require(h.supervisor.plan)
        #expect(plan == Plan(targetDepthMM: 0.50, speedLevel: 5, area: "forehead", durationS: 120))
        // An explicit speed and duration win over the preset.
        _ = h.command(.disarm)
        _ = try h.command(.armRequest(PlanRequest(speedLevel: 9, area: "nose", durationS: 10), clinician: false)).get()
        #expect(h.supervisor.plan == Plan(targetDepthMM: 0.25, speedLevel: 9, area: "nose", durationS: 10))
    }

    @Test("a depth outside the area's range is refused as depth_out_of_range_for_area")
    func outsideArea() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        let refused = h.command(.armRequest(PlanRequest(targetDepthMM: 0.9, area: "forehead"), clinician: false))
        #expect(h.refusalCode(refused) == .depthOutOfRangeForArea)
        // The plain `arm` of a full plan follows the same rule.
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.9, area: "nose")))) == .depthOutOfRangeForArea)
        #expect(h.supervisor.state == .idle && h.supervisor.plan == nil)
    }

    @Test("override: a clinician may leave the area's range (recorded in the plan); others are unauthorized")
    func override() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        let request = PlanRequest(targetDepthMM: 0.9, area: "forehead", override: true)
        #expect(h.refusalCode(h.command(.armRequest(request, clinician: false))) == .unauthorized)
        _ = try h.command(.armRequest(request, clinician: true)).get()
        #expect(h.supervisor.plan?.override == true)
        #expect(h.supervisor.status().plan?.override == true)
    }

    @Test("an override never lifts the mode's window: home 1.20 is depth_out_of_range")
    func overrideKeepsWindow() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        let request = PlanRequest(targetDepthMM: 1.2, area: "cheeks", override: true)
        #expect(h.refusalCode(h.command(.armRequest(request, clinician: true))) == .depthOutOfRange)
        #expect(h.refusalCode(h.command(.armRequest(PlanRequest(targetDepthMM: 1.2, area: "cheeks"), clinician: false)))
            == .depthOutOfRange)
    }

    @Test("no depth and no area is an invalid request")
    func nothing() {
        var h = CoreHarness()
        #expect(h.refusalCode(h.command(.armRequest(PlanRequest(), clinician: false))) == .invalidRequest)
    }

    @Test("a configured table replaces one area and keeps the rest")
    func configuredTable() throws {
        var custom = AreaPresetTable.standard
        custom.set(AreaPreset(area: .forehead, depthRangeMM: 0.3...0.4, defaultDepthMM: 0.35, defaultSpeedLevel: 2, defaultSessionS: 30))
        #expect(custom.preset(for: .forehead).defaultSessionS == 30)
        #expect(custom.preset(for: .nose) == AreaPresetTable.standard.preset(for: .nose))
        let built = AreaPresetTable([custom.preset(for: .forehead)])
        #expect(built == custom)
        var config = SafetyConfig(calibration: CoreHarness.calibration)
        config.areaPresets = custom
        var h = CoreHarness(config: config)
        h.settle(at: 0.35)
        _ = try h.command(.armRequest(PlanRequest(area: "forehead"), clinician: false)).get()
        #expect(h.supervisor.plan?.targetDepthMM == 0.35)
    }

    /// Issue 5 gives each area's depth range; the default depths, speeds and session times
    /// are the project's, listed in README's `needlectl plan` table (and argued in
    /// `AreaPresetTable.standard`). Every other test reads the table; this one says what it is.
    @Test("the standard table: issue 5's depth ranges, with the default depth, speed and session time README lists")
    func standardTable() {
        func p(_ area: TreatmentArea, _ range: ClosedRange<Double>, _ depth: Double, _ speed: Int, _ sessionS: Double) -> AreaPreset {
            AreaPreset(area: area, depthRangeMM: range, defaultDepthMM: depth, defaultSpeedLevel: speed, defaultSessionS: sessionS)
        }
        #expect(AreaPresetTable.standard.presets == [
            p(.forehead, 0.25...0.75, 0.50, 5, 120), p(.periorbital, 0.20...0.50, 0.25, 3, 60),
            p(.nose, 0.25...0.50, 0.25, 3, 60), p(.lips, 0.25...0.75, 0.50, 3, 90),
            p(.cheeks, 0.50...2.00, 1.00, 5, 180), p(.neck, 0.50...1.50, 0.75, 4, 150),
            p(.acneScars, 1.00...2.00, 1.50, 5, 180), p(.arms, 0.50...1.50, 1.00, 6, 240),
            p(.abdomen, 1.50...2.50, 2.00, 7, 300), p(.legs, 1.50...2.50, 2.00, 7, 300),
            p(.stretchMarks, 1.50...2.50, 2.00, 6, 240),
        ])
    }

    @Test("without an area or a speed a plan runs at level 5 with no time limit (README: `arm`)")
    func defaultsWithoutArea() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.armRequest(PlanRequest(targetDepthMM: 0.5), clinician: false)).get()
        #expect(h.supervisor.plan?.speedLevel == 5 && h.supervisor.plan?.durationS == nil)
        // A plan made in code without a speed arms the same way.
        _ = h.command(.disarm)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        #expect(h.supervisor.plan?.speedLevel == 5 && h.supervisor.plan?.durationS == nil)
    }
}
