import Testing
@testable import NeedleCore

/// Timestamps reach the supervisor from different clock reads. These cases were seen on
/// the running daemon (a turning cam latched `stall`) and must never trip or stop it.
@Suite("Clock order between reads")
struct ClockOrderTests {
    @Test("a tach edge stamped a few µs after the tick's clock read does not latch stall")
    func edgeAfterTickRead() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        for _ in 0..<50 { h.tick(depth: 0.5) }
        // The next tick reads its clock, then the tach read finds an edge stamped 3 µs later.
        var readings = Readings(nowNs: h.nowNs + 1_000_000, depth: .reading(rawAngle: CoreHarness.raw(0.5), magnetGood: true))
        readings.strokes = 1
        readings.lastStrokeNs = readings.nowNs + 3_000
        let out = h.supervisor.tick(readings)
        #expect(out.motorEnable)
        #expect(!h.supervisor.faults.contains(.stall))
        #expect(h.supervisor.state == .running)
    }

    @Test("a start handled after the loop read its clock does not make the plan's time run out")
    func commandBetweenClockReadAndTick() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5, durationS: 60))).get()
        // The socket thread starts the motor at t + 0.5 ms; the tick it races with read t.
        _ = try h.supervisor.handle(.start, nowNs: h.nowNs + 500_000).get()
        let out = h.supervisor.tick(Readings(nowNs: h.nowNs, depth: .reading(rawAngle: CoreHarness.raw(0.5) + 1, magnetGood: true)))
        #expect(out.motorEnable)
        #expect(h.supervisor.state == .running)
        let remaining = try #require(h.supervisor.status().remainingS)
        #expect(remaining > 59.9)
    }
}
