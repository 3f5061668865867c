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
}
