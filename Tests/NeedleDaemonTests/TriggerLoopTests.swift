import NeedleCore
import NeedleSim
import Testing

/// The trigger through the real ControlLoop on the simulated pen: the loop hands the
/// supervisor the line's level and edges; a press counts once it has held 20 ms.
@Suite("Trigger through the control loop")
struct TriggerLoopTests {
    @Test("a held press starts an armed plan, a second press stops it; a 5 ms blip does nothing")
    func pressStartsAndStops() throws {
        let h = SimLoopHarness()
        _ = h.runSelfTest()
        h.moveCollar(to: 0.5)
        h.waitForCartridge()
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        h.pen.pressTrigger()
        h.tick(5)
        h.pen.releaseTrigger()
        h.tick(50)
        #expect(h.loop.status().state == .armed, "a 5 ms blip is no press")
        h.pen.pressTrigger()
        h.tick(30)
        #expect(h.loop.status().state == .running)
        #expect(h.pen.snapshot().motorEnable)
        h.pen.releaseTrigger()
        h.tick(50)
        #expect(h.loop.status().state == .running, "releasing is not a press")
        h.pen.pressTrigger()
        h.tick(30)
        #expect(h.loop.status().state == .armed)
        #expect(!h.pen.snapshot().motorEnable)
    }
}
