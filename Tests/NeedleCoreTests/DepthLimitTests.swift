import Testing
@testable import NeedleCore

/// Rule 1 while running: a sample beyond the limit (home: 1.00 or more; clinical: above
/// 3.00), valid or not, trips in the same tick.
@Suite("Rule 1 — depth limit while running")
struct DepthLimitTests {
    @Test("home: a measured 1.05 mm while running turns the motor off in that tick and latches depth_limit")
    func homeOverDepthTrips() throws {
        var h = CoreHarness()
        try h.run(target: 0.95)
        #expect(h.last.motorEnable)
        h.tick(depth: 0.98)
        #expect(h.last.motorEnable)
        let out = h.tick(depth: 1.05)
        #expect(!out.motorEnable)
        #expect(out.motorDuty == 0)
        #expect(h.supervisor.faults.contains(.depthLimit))
        #expect(h.supervisor.state == .fault)
    }

    @Test("home: exactly 1.00 mm trips (depth must stay strictly under 1.00); 0.999 does not")
    func homeAtLimitTrips() throws {
        var h = CoreHarness()
        h.dither = false
        try h.run(target: 0.95)
        // Through 0.999 with no noise: still running (the drift is inside the tolerance).
        for d in [0.97, 0.99, 0.999] { h.tick(depth: d) }
        #expect(h.last.motorEnable)
        let out = h.tick(depth: 1.00)
        #expect(!out.motorEnable)
        #expect(h.supervisor.faults.contains(.depthLimit))
    }

    @Test("home: 0.99 mm keeps running with target 0.95")
    func homeWithinToleranceRuns() throws {
        var h = CoreHarness()
        try h.run(target: 0.95)
        for _ in 0..<50 { h.tick(depth: 0.99) }
        #expect(h.last.motorEnable)
        #expect(h.supervisor.state == .running)
        #expect(h.supervisor.faults.isEmpty)
    }

    @Test("clinical: exactly 3.00 mm keeps running with target 2.95; 3.001 trips in that tick")
    func clinicalLimit() throws {
        // No dither: the harness' ±1 count noise would make > and >= indistinguishable.
        var h = CoreHarness()
        h.dither = false
        try h.run(target: 2.95, mode: .clinical)
        for d in [2.97, 2.99, 3.00, 3.00] { h.tick(depth: d) }
        #expect(h.last.motorEnable)
        #expect(h.supervisor.faults.isEmpty)
        h.tick(depth: 3.001)
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults.contains(.depthLimit))
    }

    @Test("an over-limit sample judged implausible (a jump) still stops the motor in that tick")
    func implausibleOverLimitTrips() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        // 0.5 → 1.2 mm in 1 ms is far beyond the collar's speed: an invalid sample, and
        // beyond the home limit, so rule 1 trips at once rather than after 3 invalid ones.
        let out = h.tick(depth: 1.2)
        #expect(!out.motorEnable)
        #expect(h.supervisor.faults.contains(.depthLimit))
        #expect(!h.supervisor.faults.contains(.sensorFault))
        // With a bad magnet status too: the raw angle is all there is, and it is beyond.
        var bad = CoreHarness()
        try bad.run(target: 0.5)
        #expect(!bad.tick(depth: 1.2, magnetGood: false).motorEnable)
        #expect(bad.supervisor.faults.contains(.depthLimit))
    }

    @Test("over-depth while idle latches nothing but blocks the start")
    func overDepthIdle() throws {
        var h = CoreHarness()
        h.settle(at: 0.9)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.95))).get()
        for d in stride(from: 0.9, through: 1.2, by: 0.02) { h.tick(depth: d) }
        #expect(h.supervisor.faults.isEmpty)
        #expect(h.refusalCode(h.command(.start)) == .depthOutOfRange)
    }

    @Test("clear is refused while the depth is still beyond the limit, accepted once it is back")
    func clearNeedsCauseGone() throws {
        var h = CoreHarness()
        try h.run(target: 0.95)
        h.tick(depth: 0.99)
        h.tick(depth: 1.03)
        #expect(h.supervisor.faults.contains(.depthLimit))
        h.settle(at: 1.03)
        #expect(h.refusalCode(h.command(.clear)) == .causePresent)
        #expect(h.supervisor.state == .fault)
        for d in stride(from: 1.03, through: 0.9, by: -0.02) { h.tick(depth: d) }
        h.settle(at: 0.9)
        #expect(h.refusalCode(h.command(.clear)) == nil)
        #expect(h.supervisor.state == .idle)
        #expect(h.supervisor.faults.isEmpty)
    }

    @Test("a depth_limit fault is not cleared without a trusted depth showing the collar back inside the limit")
    func clearNeedsTrustedDepth() throws {
        var h = CoreHarness()
        try h.run(target: 0.95)
        h.tick(depth: 1.02)
        #expect(h.supervisor.faults == FaultSet(.depthLimit))
        h.tick(depth: nil)  // one read error: no trusted depth, and no sensor fault yet
        #expect(h.refusalCode(h.command(.clear)) == .causePresent)
        #expect(h.supervisor.faults == FaultSet(.depthLimit))
    }
}
