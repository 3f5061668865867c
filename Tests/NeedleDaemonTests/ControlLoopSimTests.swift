import NeedleCore
import NeedleDaemon
import NeedleHAL
import NeedleSim
import Testing

/// The control loop and supervisor against the simulated pen's physics.
@Suite("Control loop on the simulated pen")
struct ControlLoopSimTests {
    @Test("forceSafe drives a running motor's enable line low, its PWM off, the brake and status LED off")
    func forceSafe() throws {
        let h = SimLoopHarness()
        _ = try h.startTreatment(depth: 0.5).get()
        h.tick(50)
        // Driven active first, so the test can tell a forceSafe that writes from one that does not.
        try h.pen.brake.set(active: true)
        var snap = h.pen.snapshot()
        try #require(snap.motorEnable && snap.pwm.enabled && snap.pwm.dutyNs > 0 && snap.statusLED && snap.brake)
        #expect(h.loop.forceSafeReport().isEmpty)
        snap = h.pen.snapshot()
        #expect(!snap.motorEnable)
        #expect(!snap.pwm.enabled)
        #expect(!snap.brake)
        #expect(!snap.statusLED)
        #expect(snap.faultLED)
    }

    @Test("forceSafe names every line it could not write, and still writes the others")
    func forceSafeNamesFailedLines() throws {
        let failing = FailingOutput()
        let h = SimLoopHarness(failing: failing, at: \.brake)
        _ = try h.startTreatment(depth: 0.5).get()
        h.tick(50)
        try #require(h.pen.snapshot().motorEnable)
        failing.fail = true
        let failures = h.loop.forceSafeReport()
        #expect(failures.map(\.line) == [.brake])
        #expect(h.loop.forceSafe() == failures.first?.error)
        #expect(!h.pen.snapshot().motorEnable, "the enable is written although the brake failed")
        #expect(!h.pen.snapshot().pwm.enabled)
    }

    @Test("forceSafe lights the fault LED; the first healthy tick turns it off again")
    func faultLEDAfterForceSafe() {
        let h = SimLoopHarness()
        #expect(h.pen.snapshot().faultLED, "outputs forced safe: the pen shows it is not driven")
        h.tick(3)
        #expect(!h.pen.snapshot().faultLED, "idle without faults: the fault LED is off")
    }

    @Test("a treatment runs: enable high, the cam turns, strokes are counted")
    func treatmentRuns() throws {
        let h = SimLoopHarness()
        _ = try h.startTreatment(depth: 0.5).get()
        h.tick(500)
        let status = h.loop.status()
        #expect(status.state == .running)
        #expect(h.pen.snapshot().motorEnable)
        #expect(status.strokes > 20)
        #expect(status.strokeRateHz > 50)
    }

    @Test("stroke rate held under load: at sim load 0.5 it settles within ±5 % of the level's rate",
          arguments: [1, 5, 10])
    func strokeRateHeldUnderLoad(level: Int) throws {
        let h = SimLoopHarness()
        h.pen.setLoad(0.5)
        _ = try h.startTreatment(depth: 0.5, speed: level).get()
        h.tick(1500)
        var rates: [Double] = []
        for _ in 0..<500 {
            h.tick()
            rates.append(h.pen.snapshot().strokeRateHz)
        }
        let target = Plan.strokeRateHz(level: level)
        let mean = rates.reduce(0, +) / Double(rates.count)
        #expect(abs(mean - target) / target < 0.05, "level \(level): true rate \(mean) Hz for \(target) Hz")
        #expect(h.loop.status().state == .running)
    }

    @Test("without the closed loop, load 0.5 would slow the needles by more than 5 %")
    func loadReallySlowsTheMotor() {
        // Guards the test above: the plant must really need the correction.
        let rateAtFeedForward = 250 * (Plan.strokeRateHz(level: 10) / 250) * (1 - 0.4 * 0.5)
        #expect(rateAtFeedForward < Plan.strokeRateHz(level: 10) * 0.95)
    }

    @Test("home over-depth: the collar turned past 1.00 mm trips in the tick that reads it")
    func overDepthTripsSameTick() throws {
        let h = SimLoopHarness()
        _ = try h.startTreatment(depth: 0.95).get()
        h.pen.setDepth(mm: 1.10)
        var tripped = false
        for _ in 0..<100 {
            h.tick()
            let status = h.loop.status()
            if status.faults.contains(.depthLimit) {
                tripped = true
                #expect(!h.pen.snapshot().motorEnable, "enable low in the same tick as the latch")
                #expect(status.depthMM.map { $0 >= 1.0 } ?? false)
                break
            }
            #expect(status.depthMM.map { $0 < 1.0 } ?? true, "no tick saw ≥ 1.00 mm with the motor left on")
        }
        #expect(tripped)
    }

    @Test("each injected fault stops the motor and latches its fault", arguments: [
        (SimFault.sensorError, Fault.sensorFault), (.magnetMissing, .sensorFault), (.sensorStuck, .sensorFault),
        (.driverFault, .driverFault), (.stall, .stall), (.estop, .estop), (.cartridgeRemoved, .cartridgeRemoved),
    ])
    func injectedFaultLatches(simFault: SimFault, expected: Fault) throws {
        let h = SimLoopHarness()
        _ = try h.startTreatment(depth: 0.5).get()
        h.tick(400)
        #expect(h.pen.snapshot().motorEnable)
        h.pen.inject(simFault)
        let latched = h.tick(until: { h.loop.status().faults.contains(expected) }, limit: 300)
        #expect(latched, "\(simFault) → \(expected)")
        #expect(!h.pen.snapshot().motorEnable)
        #expect(h.loop.status().state == .fault)
        // Refused while the cause is there…
        if simFault != .stall {
            if case .success = h.command(.clear) { Issue.record("clear accepted while \(simFault) is present") }
        }
        // …accepted once it is gone.
        h.pen.clear(simFault)
        h.tick(20)
        #expect((try? h.command(.clear).get()) != nil, "clear after \(simFault) is gone")
    }

    @Test("an enable line that cannot be written low: the heartbeat stops and the watchdog cuts power within 20 ms")
    func failedWriteCutsPower() throws {
        let failing = FailingOutput()
        let h = SimLoopHarness(failing: failing, at: \.motorEnable)
        _ = try h.startTreatment(depth: 0.5).get()
        h.tick(200)
        #expect(!h.pen.motorPowerCut)
        failing.fail = true
        h.pen.inject(.estop)  // the supervisor now wants the motor off, and cannot write it
        h.tick(5)
        #expect(h.pen.snapshot().motorEnable, "the line is stuck high: only the watchdog can help")
        #expect(!h.pen.motorPowerCut)
        h.tick(20)
        #expect(h.pen.motorPowerCut)
        #expect(h.loop.status().faults.contains(.driverFault))
    }
}

/// An output that can be told to fail, wrapping a real one.
final class FailingOutput: DigitalOutput, @unchecked Sendable {
    var inner: (any DigitalOutput)?
    var fail = false
    func set(active: Bool) throws(HALError) {
        if fail { throw HALError(.bus, device: "test output") }
        try inner?.set(active: active)
    }
}
