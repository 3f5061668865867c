import NeedleCore
import NeedleSim
import Testing

/// The self-test on the simulated pen through the real ControlLoop, on a virtual clock: each step's failure latches
/// selftest_failed naming the step.
@Suite("Self-test on the simulated pen")
struct SelfTestSimTests {
    func failed(_ step: SelfTestStep, _ h: SimLoopHarness) {
        let status = h.loop.status()
        #expect(status.selfTest == .failed(step))
        #expect(status.faults.contains(.selftestFailed))
        #expect(status.state == .fault)
        #expect(h.pen.snapshot().motorEnable == false)
    }

    @Test("a healthy simulated pen passes every step and ends idle with the motor off")
    func passes() {
        let h = SimLoopHarness()
        h.tick(5)
        #expect(h.runSelfTest() == .passed)
        #expect(h.loop.status().state == .idle && h.loop.status().faults.isEmpty)
        h.tick(200)
        #expect(h.pen.snapshot().motorEnable == false)
        // The spin marked nothing: only a treatment start claims a cartridge.
        #expect(h.pen.cartridgeUsed == false)
    }

    @Test("sensor: a dead sensor fails the sensor step")
    func sensor() {
        let h = SimLoopHarness()
        h.pen.inject(.magnetMissing)
        h.tick(2)
        _ = h.runSelfTest()
        failed(.sensor, h)
    }

    @Test("steady: a collar that moves during the 50 samples fails the steady step")
    func steady() {
        let h = SimLoopHarness()
        h.tick(5)
        _ = h.command(.selfTest(includeMotor: true))
        h.tick(6)  // the sensor step passes on the 5th good sample
        #expect(h.loop.status().selfTest == .running(.steady))
        h.pen.setDepth(mm: 0.9)
        _ = h.runSelfTest()
        failed(.steady, h)
    }

    @Test("cartridge: a blank EEPROM fails the cartridge step")
    func cartridge() {
        let h = SimLoopHarness()
        h.pen.insertBlankCartridge()
        h.tick(5)
        _ = h.runSelfTest()
        failed(.cartridge, h)
    }

    @Test("motor: a jammed cam sees no tach strokes within 200 ms")
    func motor() {
        let h = SimLoopHarness()
        h.pen.inject(.stall)
        h.tick(5)
        _ = h.runSelfTest()
        failed(.motor, h)
    }

    @Test("heartbeat: a heartbeat that cannot be written fails the heartbeat step")
    func heartbeat() {
        let failing = FailingOutput()
        let h = SimLoopHarness(failing: failing, at: \.heartbeat)
        h.tick(5)
        _ = h.command(.selfTest(includeMotor: true))
        for _ in 0..<1000 {
            if h.loop.status().selfTest == .running(.heartbeat) { break }
            h.tick()
        }
        #expect(h.loop.status().selfTest == .running(.heartbeat))
        failing.fail = true
        _ = h.runSelfTest()
        failed(.heartbeat, h)
    }

    @Test("the full treatment path: the first start marks the sim's cartridge used; a reseat is refused")
    func cartridgeMarked() throws {
        let h = SimLoopHarness()
        h.tick(100)
        _ = try h.command(.armRequest(PlanRequest(targetDepthMM: 0.5, area: "forehead"), clinician: false)).get()
        _ = try h.command(.start).get()
        h.tick(50)
        #expect(h.pen.cartridgeUsed == true)
        #expect(h.loop.status().cartridgeMarkPending == false)
        _ = h.command(.stop)
        h.tick()
        _ = try h.command(.start).get()  // same seating: still this session
        _ = h.command(.stop)
        _ = h.command(.disarm)
        h.pen.removeCartridge()
        h.tick(5)
        h.pen.clear(.cartridgeRemoved)
        h.tick(100)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        let refused = h.command(.start)
        guard case .failure(let refusal) = refused else {
            Issue.record("a reseated used cartridge started")
            return
        }
        #expect(refusal.code == .cartridgeUsed)
    }
}
