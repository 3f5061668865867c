import Testing
@testable import NeedleCore

/// DESIGN §4: the trigger is debounced in software, so a bouncing contact is one press.
@Suite("Trigger debounce")
struct TriggerDebounceTests {
    /// Arms at 0.5 mm with the depth settled.
    func armed() throws -> CoreHarness {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        return h
    }

    @Test("a press that bounces for 6 ms starts the motor once and keeps it running")
    func bouncingPress() throws {
        var h = try armed()
        var starts = 0
        var wasOn = false
        // Bounce: the level flips every millisecond for 6 ms, each flip an edge.
        for i in 0..<6 {
            h.triggerHeld = i % 2 == 0
            h.triggerEdges = 1
            h.tick(depth: 0.5)
        }
        h.triggerHeld = true
        for _ in 0..<100 {
            h.tick(depth: 0.5)
            if h.last.motorEnable, !wasOn { starts += 1 }
            wasOn = h.last.motorEnable
        }
        #expect(starts == 1)
        #expect(h.last.motorEnable)
        #expect(h.supervisor.state == .running)
    }

    @Test("bounces on release do not stop the running motor")
    func bouncingRelease() throws {
        var h = try armed()
        h.pressTrigger(at: 0.5)
        #expect(h.supervisor.state == .running)
        h.triggerHeld = true
        for i in 0..<8 {
            h.triggerHeld = i % 2 == 1
            h.triggerEdges = 1
            h.tick(depth: 0.5)
        }
        h.triggerHeld = false
        for _ in 0..<100 { h.tick(depth: 0.5) }
        #expect(h.supervisor.state == .running)
        #expect(h.last.motorEnable)
    }

    @Test("a contact shorter than the debounce time is no press")
    func shortBlip() throws {
        var h = try armed()
        h.triggerHeld = true
        h.triggerEdges = 1
        for _ in 0..<10 { h.tick(depth: 0.5) }
        h.triggerHeld = false
        for _ in 0..<50 { h.tick(depth: 0.5) }
        #expect(h.supervisor.state == .armed)
        #expect(!h.last.motorEnable)
    }

    @Test("edges inside one tick with the level unchanged restart the wait")
    func edgesWithinTick() throws {
        var h = try armed()
        h.triggerHeld = true
        h.triggerEdges = 1
        for i in 0..<40 {
            // A contact chattering every 10 ms though each sample reads pressed.
            if i % 10 == 0 { h.triggerEdges = 2 }
            h.tick(depth: 0.5)
        }
        #expect(h.supervisor.state == .armed)
        for _ in 0..<25 { h.tick(depth: 0.5) }
        #expect(h.supervisor.state == .running, "steady for 20 ms: one press")
    }

    @Test("the debouncer alone: a press counts when the level has held exactly the debounce time, once")
    func debounceBoundary() {
        var d = TriggerDebouncer(startNs: 0)
        /// One update with the 20 ms debounce; true when it reports a press.
        func press(_ pressed: Bool, edges: Int, at ns: UInt64) -> Bool {
            d.update(pressed: pressed, edges: edges, nowNs: ns, debounceNs: 20_000_000)
        }
        #expect(!press(true, edges: 1, at: 1_000))
        #expect(!press(true, edges: 0, at: 1_000 + 20_000_000 - 1))
        #expect(press(true, edges: 0, at: 1_000 + 20_000_000))
        #expect(!press(true, edges: 0, at: 1_000 + 40_000_000), "one press, once")
        // A release held as long is believed, and is no press.
        #expect(!press(false, edges: 1, at: 100_000_000))
        #expect(!press(false, edges: 0, at: 120_000_000))
        #expect(!d.steadyPressed)
        // An edge with the level unchanged restarts the wait.
        #expect(!press(true, edges: 1, at: 200_000_000))
        #expect(!press(true, edges: 1, at: 210_000_000))
        #expect(!press(true, edges: 0, at: 220_000_000))
        #expect(press(true, edges: 0, at: 230_000_000))
    }

    /// A press counts once the line has *read* pressed for the debounce time. A trigger the
    /// loop first sees held (the operator held it while needled started, or the first tick came
    /// late) has been seen held for no time yet: it must read held for the whole debounce time
    /// from that first read, not from when the debouncer was made.
    @Test("a trigger first read held 50 ms after start-up is a press only 20 ms after that read")
    func heldAtTheFirstRead() {
        var d = TriggerDebouncer(startNs: 0)
        let atFirstRead = d.update(pressed: true, edges: 0, nowNs: 50_000_000, debounceNs: 20_000_000)
        let justBefore = d.update(pressed: true, edges: 0, nowNs: 70_000_000 - 1, debounceNs: 20_000_000)
        let after20ms = d.update(pressed: true, edges: 0, nowNs: 70_000_000, debounceNs: 20_000_000)
        #expect(!atFirstRead && !justBefore && after20ms)
    }

    @Test("armed before the first tick, a trigger held from the first tick starts the motor once it has read held for 20 ms")
    func heldFromTheFirstTick() throws {
        var h = CoreHarness()
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        // The loop's first tick comes 30 ms after the supervisor was made, the trigger held.
        h.nowNs += 29_000_000
        h.triggerHeld = true
        var firstOn: Int?
        for tick in 1...40 where h.tick(depth: 0.5).motorEnable && firstOn == nil { firstOn = tick }
        // Trusted depth after 3 ticks; the press itself 20 ms (20 ticks) after the first read.
        #expect(firstOn == 21)
        #expect(h.supervisor.state == .running)
    }
}
