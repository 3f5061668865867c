import Testing
@testable import NeedleCore

/// Rule 2: the motor starts only when intent matches reality, and stops when they part.
@Suite("Rule 2 — intent matches reality")
struct IntentTests {
    @Test("start is refused when the measured depth is off target (depth_mismatch)")
    func startRefusedOffTarget() throws {
        var h = CoreHarness()
        h.settle(at: 0.80)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.95))).get()
        #expect(h.refusalCode(h.command(.start)) == .depthMismatch)
        #expect(h.supervisor.state == .armed)
        #expect(!h.tick(depth: 0.80).motorEnable)
    }

    @Test("start is refused without an armed plan (not_armed)")
    func startNeedsPlan() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        #expect(h.refusalCode(h.command(.start)) == .notArmed)
        #expect(!h.tick(depth: 0.5).motorEnable)
    }

    @Test("start accepted at target ± tolerance, motor on from the next tick")
    func startWithinTolerance() throws {
        var h = CoreHarness()
        h.settle(at: 0.54)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        #expect(h.refusalCode(h.command(.start)) == nil)
        #expect(h.tick(depth: 0.54).motorEnable)
    }

    @Test("drift out of tolerance while running stops the motor and keeps the plan armed")
    func driftStops() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        h.tick(depth: 0.53)
        #expect(h.last.motorEnable)
        h.tick(depth: 0.56)
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.state == .armed)
        #expect(h.supervisor.lastStopReason == .depthMismatch)
        #expect(h.supervisor.faults.isEmpty)
    }

    @Test("a plan armed in clinical mode keeps its mode and is re-checked at start against the measured depth")
    func planRecheckedAtStart() throws {
        var h = CoreHarness()
        _ = try h.command(.setMode(.clinical, authorized: true)).get()
        h.settle(at: 1.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 1.5, client: "C-1"))).get()
        #expect(h.refusalCode(h.command(.setMode(.home, authorized: true))) == .busy)
        #expect(h.supervisor.mode == .clinical)
        // The collar has moved beyond the clinical limit since arming: start refuses.
        for d in stride(from: 1.5, through: 3.1, by: 0.05) { h.tick(depth: d) }
        h.settle(at: 3.1)
        #expect(h.refusalCode(h.command(.start)) == .depthOutOfRange)
        #expect(!h.tick(depth: 3.1).motorEnable)
        // Back at the target, the same plan starts.
        for d in stride(from: 3.1, through: 1.5, by: -0.05) { h.tick(depth: d) }
        h.settle(at: 1.5)
        #expect(h.refusalCode(h.command(.start)) == nil)
        #expect(h.tick(depth: 1.5).motorEnable)
    }

    @Test("the duration auto-stops the motor and completes the plan")
    func durationAutoStop() throws {
        var h = CoreHarness()
        try h.run(target: 0.5, durationS: 0.2)
        for _ in 0..<150 { h.tick(depth: 0.5) }
        #expect(h.last.motorEnable)
        let remaining = try #require(h.supervisor.status().remainingS)
        #expect(remaining > 0.03 && remaining < 0.06)
        for _ in 0..<60 { h.tick(depth: 0.5) }
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.state == .idle)
        #expect(h.supervisor.lastStopReason == .completed)
    }

    @Test("stop keeps the plan armed; disarm drops it; stop is always accepted")
    func stopAndDisarm() throws {
        var h = CoreHarness()
        #expect(h.refusalCode(h.command(.stop)) == nil)
        try h.run(target: 0.5)
        _ = try h.command(.stop).get()
        #expect(!h.tick(depth: 0.5).motorEnable)
        #expect(h.supervisor.state == .armed)
        _ = try h.command(.disarm).get()
        #expect(h.supervisor.state == .idle)
        #expect(h.supervisor.plan == nil)
    }

    @Test("disarm while the motor runs stops it at once: idle, no plan, motor off from the next tick")
    func disarmWhileRunning() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        #expect(h.last.motorEnable)
        _ = try h.command(.disarm).get()
        // Already idle when the command returns, not one tick later.
        #expect(h.supervisor.state == .idle)
        #expect(h.supervisor.status().motorOn == false)
        #expect(h.supervisor.plan == nil)
        #expect(h.supervisor.lastStopReason == .stopped)
        #expect(!h.tick(depth: 0.5).motorEnable)
        #expect(h.supervisor.state == .idle)
    }

    @Test("a plan's duration may be exactly the 3600 s maximum, not a tenth of a second more")
    func maximumDuration() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.5, durationS: 3600)))) == nil)
        _ = try h.command(.disarm).get()
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.5, durationS: 3600.1)))) == .invalidRequest)
    }

    @Test("a plain arm is never a clinician's: a plan carrying override is refused as unauthorized")
    func plainArmCannotOverride() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.5, override: true)))) == .unauthorized)
        #expect(h.supervisor.state == .idle)
    }

    @Test("the trigger starts an armed plan and stops a running one")
    func triggerToggles() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        let startedOnPress = h.pressTrigger(at: 0.5)
        #expect(startedOnPress)
        #expect(h.last.motorEnable && h.supervisor.state == .running)
        let runningAfterSecondPress = h.pressTrigger(at: 0.5)
        #expect(!runningAfterSecondPress)
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.state == .armed)
    }
}
