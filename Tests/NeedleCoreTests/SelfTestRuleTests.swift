import Testing
@testable import NeedleCore

/// DESIGN §3 rule 9: the self-test's spin is supervised like a run and asked for by an
/// operator; an uncalibrated pen never turns its motor; a pen whose self-test failed or
/// did not finish does not arm.
@Suite("Rule 9 — the self-test's motor step")
struct SelfTestRuleTests {
    /// Runs the self-test to its verdict at a steady depth; returns whether any tick
    /// enabled the motor.
    @discardableResult
    func runTest(_ h: inout CoreHarness, includeMotor: Bool, at mm: Double = 0.5, limit: Int = 1000) -> Bool {
        var enabled = false
        _ = h.command(.selfTest(includeMotor: includeMotor))
        for _ in 0..<limit {
            enabled = h.tick(depth: mm).motorEnable || enabled
            if case .running = h.supervisor.status().selfTest { continue }
            break
        }
        return enabled
    }

    /// Starts an operator's self-test and ticks until its spin has begun.
    func spinUp(_ h: inout CoreHarness) {
        _ = h.command(.selfTest(includeMotor: true))
        var ticks = 0
        while !h.tick(depth: 0.5).motorEnable, ticks < 200 { ticks += 1 }
    }

    @Test("the power-on self-test never turns the motor, and passes with its motor step not run")
    func powerOnNeverSpins() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        let spun = runTest(&h, includeMotor: false)
        #expect(!spun)
        #expect(h.supervisor.status().selfTest == .passed)
        #expect(h.supervisor.status().selfTestMotor == .notRun)
    }

    @Test("an operator's self-test spins the motor and reports the motor step passed")
    func operatorTestSpins() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        let spun = runTest(&h, includeMotor: true)
        #expect(spun)
        #expect(h.supervisor.status().selfTest == .passed)
        #expect(h.supervisor.status().selfTestMotor == .passed)
    }

    @Test("an uncalibrated pen never spins: the motor step is skipped and said so")
    func uncalibratedNeverSpins() {
        var h = CoreHarness(config: .uncalibrated())
        h.settle(at: 0.5)
        let spun = runTest(&h, includeMotor: true)
        #expect(!spun)
        #expect(h.supervisor.status().selfTestMotor == .skippedUncalibrated)
    }

    @Test("an uncalibrated pen's steadiness check uses the nominal 0.001 mm per count: 15 counts of spread pass, 30 fail",
          arguments: [(UInt16(15), true), (30, false)])
    func uncalibratedSteadiness(spread: UInt16, passes: Bool) {
        var h = CoreHarness(config: .uncalibrated())
        _ = h.command(.selfTest(includeMotor: false))
        for k in 0..<200 {
            h.tick(.reading(rawAngle: 1000 + (k % 2 == 0 ? 0 : spread), magnetGood: true))
            if case .running = h.supervisor.status().selfTest { continue }
            break
        }
        #expect(h.supervisor.status().selfTest == (passes ? .passed : .failed(.steady)))
    }

    @Test("the power-on self-test of an uncalibrated pen reports its motor step not run (it was not asked for)")
    func uncalibratedPowerOnMotorNotRun() {
        var h = CoreHarness(config: .uncalibrated())
        h.settle(at: 0.5)
        _ = h.command(.selfTest(includeMotor: false))
        #expect(h.supervisor.status().selfTestMotor == .notRun)
    }

    @Test("stopping the self-test in its spin leaves the motor step not run, not running")
    func stoppedSpinIsNotRun() throws {
        var h = CoreHarness()
        h.strokeHz = 0
        h.settle(at: 0.5)
        spinUp(&h)
        #expect(h.supervisor.status().selfTestMotor == .running)
        _ = try h.command(.stop).get()
        #expect(h.supervisor.status().selfTestMotor == .notRun)
        #expect(!h.tick(depth: 0.5).motorEnable)
    }

    @Test("no trusted depth inside the window: the motor step fails without a single enabled tick")
    func noInWindowDepthNoSpin() {
        var h = CoreHarness()
        for d in stride(from: 0.5, through: 1.2, by: 0.02) { h.tick(depth: d) }
        h.settle(at: 1.2)
        let spun = runTest(&h, includeMotor: true, at: 1.2)
        #expect(!spun)
        #expect(h.supervisor.status().selfTest == .failed(.motor))
        #expect(h.supervisor.faults.contains(.selftestFailed))
    }

    @Test("the spin waits for trust to return (after an invalid sample) and then runs and passes")
    func spinWaitsForTrust() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = h.command(.selfTest(includeMotor: true))
        var ticks = 0
        while h.supervisor.status().selfTest != .running(.cartridge), ticks < 500 {
            h.tick(depth: 0.5)
            ticks += 1
        }
        // The motor step begins on an invalid sample: no trusted depth, so no spin yet.
        #expect(!h.tick(depth: nil).motorEnable)
        #expect(h.supervisor.status().selfTest == .running(.motor))
        #expect(!h.tick(depth: 0.5).motorEnable, "one good sample is not trust")
        var spun = false
        for _ in 0..<300 where h.supervisor.status().selfTest != .passed {
            spun = h.tick(depth: 0.5).motorEnable || spun
        }
        #expect(spun)
        #expect(h.supervisor.status().selfTest == .passed)
    }

    @Test("a sample beyond the limit during the spin stops it in that tick and latches depth_limit")
    func overLimitDuringSpin() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        spinUp(&h)
        #expect(h.last.motorEnable, "spinning")
        let out = h.tick(depth: 1.3)
        #expect(!out.motorEnable)
        #expect(h.supervisor.faults.contains(.depthLimit))
        #expect(h.supervisor.faults.contains(.selftestFailed))
    }

    @Test("a cartridge removed during the spin latches cartridge_removed and stops it")
    func cartridgeRemovedDuringSpin() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        spinUp(&h)
        #expect(h.last.motorEnable, "spinning")
        h.cartridgePresent = false
        #expect(!h.tick(depth: 0.5).motorEnable)
        #expect(h.supervisor.faults.contains(.cartridgeRemoved))
    }

    @Test("a sensor frozen during the spin latches sensor_fault")
    func frozenSensorDuringSpin() {
        var h = CoreHarness()
        h.dither = false
        h.strokeHz = 0  // a jammed cam keeps the spin going until the motor step's timeout
        h.settle(at: 0.5)
        runTest(&h, includeMotor: true)
        #expect(h.supervisor.faults.contains(.sensorFault))
        #expect(!h.last.motorEnable)
    }

    @Test("a sensor that freezes once the spin has begun latches sensor_fault 50 ms later")
    func sensorFreezesDuringSpin() {
        var h = CoreHarness()
        h.strokeHz = 0  // a jammed cam: the spin lasts until the motor step's 200 ms timeout
        h.settle(at: 0.5)
        spinUp(&h)
        #expect(h.last.motorEnable, "spinning")
        h.dither = false
        for _ in 0..<40 { h.tick(depth: 0.5) }
        #expect(h.last.motorEnable, "frozen for at most 40 ms")
        #expect(h.supervisor.faults.isEmpty)
        for _ in 0..<30 { h.tick(depth: 0.5) }
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults == [FaultSet(.sensorFault), FaultSet(.selftestFailed)])
        #expect(h.supervisor.status().selfTest == .failed(.motor))
    }

    @Test("an output write that fails during the heartbeat step fails the self-test there, with no driver fault")
    func failedWriteFailsHeartbeat() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = h.command(.selfTest(includeMotor: false))
        for _ in 0..<1000 where h.supervisor.status().selfTest != .running(.heartbeat) { h.tick(depth: 0.5) }
        #expect(h.supervisor.status().selfTest == .running(.heartbeat))
        h.outputsWritten = false
        h.tick(depth: 0.5)
        #expect(h.supervisor.status().selfTest == .failed(.heartbeat))
        #expect(h.supervisor.faults == FaultSet(.selftestFailed))
    }

    @Test("a pen whose self-test failed, was stopped or never ran does not arm until one passes")
    func armNeedsPassedSelfTest() throws {
        var config = SafetyConfig(calibration: CoreHarness.calibration)
        config.selfTestRequired = true
        var h = CoreHarness(config: config)
        h.settle(at: 0.5)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.5)))) == .selftestRequired, "never ran")

        // Failed (a jammed cam), then cleared: still refused.
        h.strokeHz = 0
        runTest(&h, includeMotor: true)
        #expect(h.supervisor.status().selfTest == .failed(.motor))
        h.strokeHz = 100
        _ = try h.command(.clear).get()
        #expect(h.supervisor.state == .idle)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.5)))) == .selftestRequired, "failed, cleared")

        // Stopped half-way: still refused.
        _ = h.command(.selfTest(includeMotor: true))
        for _ in 0..<5 { h.tick(depth: 0.5) }
        _ = try h.command(.stop).get()
        #expect(h.supervisor.state == .idle)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.5)))) == .selftestRequired, "stopped")

        // A passing test opens the way.
        runTest(&h, includeMotor: true)
        #expect(h.supervisor.status().selfTest == .passed)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.5)))) == nil)
    }
}
