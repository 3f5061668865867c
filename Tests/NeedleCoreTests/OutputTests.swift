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

    @Test("the status LED is lit while armed, running or self-testing, and dark idle or faulted; the fault LED only with a fault")
    func statusLEDs() throws {
        var h = CoreHarness()
        let idle = h.tick(depth: 0.5)
        #expect(!idle.statusLED && !idle.faultLED)
        _ = try h.command(.selfTest(includeMotor: false)).get()
        let testing = h.tick(depth: 0.5)
        #expect(testing.statusLED && !testing.faultLED)
        _ = try h.command(.stop).get()
        #expect(!h.tick(depth: 0.5).statusLED)
        try h.run(target: 0.5)
        #expect(h.last.statusLED && !h.last.faultLED)
        h.estop = true
        let fault = h.tick(depth: 0.5)
        #expect(!fault.statusLED && fault.faultLED)
    }

    @Test("a fresh supervisor's status, before any tick: no duty, no strokes, nothing pending")
    func freshStatus() {
        let status = CoreHarness().supervisor.status()
        #expect(status.state == .idle && !status.motorOn)
        #expect(status.duty == 0)
        #expect(status.strokes == 0)
        #expect(status.remainingS == nil && status.pendingZeroCounts == nil)
        #expect(status.faults.isEmpty)
    }
}
