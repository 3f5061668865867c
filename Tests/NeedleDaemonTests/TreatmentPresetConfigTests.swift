import NeedleConfig
import NeedleCore
import Testing
@testable import NeedleDaemon

/// `[treatment.areas.*]` laid over the built-in presets, as the daemon starts with them.
@Suite("Area presets from the configuration")
struct TreatmentPresetConfigTests {
    func table(_ toml: String) throws(ConfigError) -> AreaPresetTable {
        try NeedledConfig.parse(toml: toml).treatment.presetTable()
    }

    @Test("no section: the built-in table")
    func builtIn() throws {
        #expect(try table("") == AreaPresetTable.standard)
    }

    @Test("a partial entry changes only its keys; the rest stays built in")
    func partial() throws {
        let cheeks = try table("[treatment.areas.cheeks]\ndepth_max_mm = 1.2\nspeed = 3\n").preset(for: .cheeks)
        let builtIn = AreaPresetTable.standard.preset(for: .cheeks)
        #expect(cheeks.depthRangeMM == builtIn.depthRangeMM.lowerBound...1.2)
        #expect(cheeks.defaultSpeedLevel == 3)
        #expect(cheeks.defaultSessionS == builtIn.defaultSessionS)
        // The built-in default (above 1.2) is pulled into the narrower range.
        #expect(cheeks.defaultDepthMM <= 1.2)
        #expect(try table("[treatment.areas.cheeks]\ndepth_max_mm = 1.2\n").preset(for: .forehead)
            == AreaPresetTable.standard.preset(for: .forehead))
    }

    @Test("a bound that contradicts the built-in other bound is refused, naming the area")
    func contradiction() throws {
        // Forehead is built in as 0.25–0.75 mm: a maximum of 0.2 lies below its minimum.
        do {
            _ = try table("[treatment.areas.forehead]\ndepth_max_mm = 0.2\n")
            Issue.record("a maximum below the built-in minimum was accepted")
        } catch {
            #expect(error.field == "treatment.areas.forehead")
            #expect(error.kind == .conflict)
        }
    }

    @Test("a configured range still cannot make a home pen offer 1.00 mm or more")
    func homeClampStillApplies() throws {
        let neck = try table("[treatment.areas.neck]\ndepth_min_mm = 0.5\ndepth_max_mm = 2.5\ndefault_depth_mm = 2.0\n")
            .preset(for: .neck)
        let home = try #require(neck.depthRange(in: .home))
        #expect(home.upperBound < 1.0)
        #expect(try #require(neck.defaultDepth(in: .home)) < 1.0)
        #expect(neck.depthRange(in: .clinical) == 1.0...2.5)
    }
}
