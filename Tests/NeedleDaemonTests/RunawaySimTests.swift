import NeedleCore
import NeedleSim
import Testing

/// Rule 6's runaway through the real ControlLoop on the simulated pen: a motor that software
/// no longer controls is stopped by the heartbeat's monostable, because the loop stops
/// toggling the heartbeat once `runaway` latches.
@Suite("Runaway on the simulated pen")
struct RunawaySimTests {
    @Test("motor-runaway while idle: runaway latches, the heartbeat stops and the monostable cuts motor power")
    func idleRunawayCutsPower() {
        let h = SimLoopHarness()
        h.tick(50)
        #expect(h.loop.status().faults.isEmpty)
        h.pen.inject(.motorRunaway)
        let latched = h.tick(until: { h.loop.status().faults.contains(.runaway) }, limit: 1000)
        #expect(latched)
        #expect(h.pen.snapshot().motorEnable == false)
        // Within the monostable's 20 ms (plus a tick) motor power is gone, and stays gone.
        h.tick(25)
        #expect(h.pen.motorPowerCut)
        let beat = h.pen.snapshot().heartbeat
        h.tick(100)
        #expect(h.pen.snapshot().heartbeat == beat, "the heartbeat no longer toggles")
        #expect(h.pen.motorPowerCut)
        // With power cut the cam coasts to a stop.
        let stopped = h.tick(until: { h.pen.snapshot().strokeRateHz == 0 }, limit: 2000)
        #expect(stopped)
    }

    @Test("pwm-stuck while running at level 5: the overspeed latches runaway and power is cut")
    func overspeedWhileRunning() {
        let h = SimLoopHarness()
        _ = h.runSelfTest()
        #expect(h.startTreatment(depth: 0.5, speed: 5).isSuccess)
        h.tick(300)
        #expect(h.loop.status().motorOn)
        h.pen.inject(.pwmStuck)
        let latched = h.tick(until: { h.loop.status().faults.contains(.runaway) }, limit: 1000)
        #expect(latched)
        #expect(h.pen.snapshot().motorEnable == false)
        h.tick(25)
        #expect(h.pen.motorPowerCut)
    }

    @Test("clear after a runaway is refused while the motor turns, then accepted and the heartbeat resumes")
    func clearAfterRunaway() {
        let h = SimLoopHarness()
        h.tick(50)
        h.pen.inject(.motorRunaway)
        h.tick(until: { h.loop.status().faults.contains(.runaway) }, limit: 1000)
        h.tick(5)
        if case .failure(let refusal) = h.command(.clear) {
            #expect(refusal.code == .causePresent)
        } else {
            Issue.record("clear was accepted while the motor still turned")
        }
        h.pen.clear(.motorRunaway)
        h.tick(until: { h.pen.snapshot().strokeRateHz == 0 }, limit: 2000)
        h.tick(600)
        #expect((try? h.command(.clear).get()) != nil)
        h.tick(30)
        #expect(!h.pen.motorPowerCut, "the heartbeat toggles again")
    }
}

extension Result {
    var isSuccess: Bool { if case .success = self { true } else { false } }
}
