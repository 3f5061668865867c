import Testing
@testable import NeedleCore

/// Rule 1 while running: a valid sample at or beyond the limit trips in the same tick.
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

    @Test("home: exactly 1.00 mm trips (depth must stay strictly under 1.00)")
    func homeAtLimitTrips() throws {
        var h = CoreHarness()
        try h.run(target: 0.95)
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

    @Test("clinical: 3.05 mm trips with target 3.00; 3.04 keeps running")
    func clinicalLimit() throws {
        var h = CoreHarness()
        try h.run(target: 3.00, mode: .clinical)
        h.tick(depth: 3.04)
        #expect(h.last.motorEnable)
        h.tick(depth: 3.05)
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults.contains(.depthLimit))
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
}
