import Testing
@testable import NeedleCore

@Suite("Session timer and counts")
struct SessionTimerTests {
    func harness(sessionS: Double) -> CoreHarness {
        var config = SafetyConfig(calibration: CoreHarness.calibration)
        config.areaPresets.set(AreaPreset(
            area: .forehead, depthRangeMM: 0.25...0.75, defaultDepthMM: 0.5, defaultSpeedLevel: 5, defaultSessionS: sessionS))
        return CoreHarness(config: config)
    }

    @Test("an area's default session time stops the motor when the plan has no duration")
    func areaDefaultSession() throws {
        var h = harness(sessionS: 0.5)
        h.settle(at: 0.5)
        _ = try h.command(.armRequest(PlanRequest(area: "forehead"), clinician: false)).get()
        #expect(h.supervisor.plan?.durationS == 0.5)
        _ = try h.command(.start).get()
        for tick in 1...499 {
            #expect(h.tick(depth: 0.5).motorEnable, "tick \(tick)")
        }
        #expect(h.tick(depth: 0.5).motorEnable == false)
        #expect(h.supervisor.state == .idle)
        #expect(h.supervisor.lastStopReason == .completed)
    }

    @Test("remaining time is exact to the tick and strokes equal the tach strokes fed in")
    func exactCounts() throws {
        var h = harness(sessionS: 2)
        h.settle(at: 0.5)
        _ = try h.command(.armRequest(PlanRequest(area: "forehead"), clinician: false)).get()
        let strokesBefore = h.fedStrokes
        _ = try h.command(.start).get()
        for _ in 0..<250 { h.tick(depth: 0.5) }
        var status = h.supervisor.status()
        #expect(abs((status.remainingS ?? -1) - 1.75) < 1e-9)
        #expect(status.strokes == h.fedStrokes - strokesBefore)
        #expect(status.strokes > 0)
        // Stopped time does not count against the session; strokes stay.
        _ = h.command(.stop)
        for _ in 0..<100 { h.tick(depth: 0.5) }
        status = h.supervisor.status()
        #expect(abs((status.remainingS ?? -1) - 1.75) < 1e-9)
        #expect(status.strokes == h.fedStrokes - strokesBefore)
        _ = try h.command(.start).get()
        for _ in 0..<1749 { h.tick(depth: 0.5) }
        #expect(h.supervisor.state == .running)
        #expect(abs((h.supervisor.status().remainingS ?? -1) - 0.001) < 1e-9)
        h.tick(depth: 0.5)
        #expect(h.supervisor.state == .idle)
        #expect(h.supervisor.lastStopReason == .completed)
        #expect(h.supervisor.status().strokes == h.fedStrokes - strokesBefore)
    }
}
