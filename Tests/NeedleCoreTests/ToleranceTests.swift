import Testing
@testable import NeedleCore

/// A reloaded configuration may tighten the depth tolerance, never widen it past ±0.05 mm.
@Suite("Rule 2 — tolerance set live")
struct ToleranceTests {
    @Test("setTolerance takes (0, 0.05] and refuses wider, zero, negative and non-finite values")
    func bounds() {
        var s = SafetySupervisor(config: SafetyConfig(calibration: CoreHarness.calibration), startNs: 0)
        for bad in [0.0500001, 0.06, 1, 0, -0.01, .nan, .infinity] {
            let accepted = s.setTolerance(bad)
            #expect(!accepted, "accepted \(bad)")
            #expect(s.config.toleranceMM == 0.05)
        }
        let tightened = s.setTolerance(0.02)
        #expect(tightened)
        #expect(s.config.toleranceMM == 0.02)
        let restored = s.setTolerance(0.05)
        #expect(restored)
        #expect(s.config.toleranceMM == 0.05)
    }

    @Test("a tightened tolerance refuses a start that ±0.05 mm would allow")
    func tightenedRefusesStart() throws {
        var h = CoreHarness()
        h.settle(at: 0.57)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.60))).get()
        let tightened = h.supervisor.setTolerance(0.02)
        #expect(tightened)
        let refused = h.command(.start)
        #expect(h.refusalCode(refused) == .depthMismatch)
        let restored = h.supervisor.setTolerance(0.05)
        #expect(restored)
        let started = h.command(.start)
        #expect(h.refusalCode(started) == nil)
    }
}
