import Testing
@testable import NeedleCore

/// Rules 4 and 5, output side: safe outputs and a heartbeat that toggles every tick.
@Suite("Rules 4 and 5 — outputs")
struct OutputTests {
    @Test("the heartbeat toggles on every tick, in every state")
    func heartbeatToggles() throws {
        var h = CoreHarness()
        var previous = h.tick(depth: 0.5).heartbeat
        for i in 0..<20 {
            if i == 10 { h.estop = true }
            let now = h.tick(depth: 0.5).heartbeat
            #expect(now != previous)
            previous = now
        }
        #expect(h.supervisor.state == .fault)
    }

    @Test("the motor is off and the duty zero in every state but running")
    func offUnlessRunning() throws {
        var h = CoreHarness()
        #expect(OutputCommand.safe.motorEnable == false)
        let idle = h.tick(depth: 0.5)
        #expect(!idle.motorEnable && idle.motorDuty == 0)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        let armed = h.tick(depth: 0.5)
        #expect(!armed.motorEnable && armed.motorDuty == 0 && armed.statusLED)
        h.estop = true
        let fault = h.tick(depth: 0.5)
        #expect(!fault.motorEnable && fault.motorDuty == 0 && fault.faultLED)
    }
}
