import Testing
@testable import NeedleCore

/// Rule 3: invalid samples never turn the motor on or keep it on.
@Suite("Rule 3 — sensor trust")
struct SensorTrustTests {
    @Test("3 read errors in a row latch sensor_fault and stop the motor")
    func threeErrorsLatch() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        h.tick(depth: nil)
        h.tick(depth: nil)
        #expect(h.last.motorEnable, "two invalid samples are tolerated (2 ms < 5 ms)")
        h.tick(depth: nil)
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults.contains(.sensorFault))
    }

    @Test("magnet missing/weak/strong status is an invalid sample")
    func badMagnetInvalid() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        for _ in 0..<3 { h.tick(depth: 0.5, magnetGood: false) }
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults.contains(.sensorFault))
    }

    @Test("no valid sample for 5 ms latches sensor_fault even with few samples")
    func staleLatches() throws {
        var config = SafetyConfig(calibration: CoreHarness.calibration)
        config.invalidSampleLimit = 100
        var h = CoreHarness(config: config)
        try h.run(target: 0.5)
        for _ in 0..<5 { h.tick(depth: nil) }
        #expect(h.last.motorEnable, "5 ms without a valid sample is still allowed")
        h.tick(depth: nil)
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults.contains(.sensorFault))
    }

    @Test("a glitch of 3839 counts or 0 counts is rejected, not read as a depth")
    func knownGlitchesRejected() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        h.tick(.reading(rawAngle: 3839, magnetGood: true))
        #expect(h.last.motorEnable)
        #expect(h.supervisor.faults.isEmpty, "one implausible sample: invalid, not depth_limit")
        h.tick(.reading(rawAngle: 0, magnetGood: true))
        h.tick(depth: 0.5)
        #expect(h.last.motorEnable)
        #expect(h.supervisor.status().depthMM.map { abs($0 - 0.5) < 0.001 } == true)
    }

    @Test("an implausible jump is invalid: 3 in a row latch sensor_fault")
    func implausibleJumps() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        for _ in 0..<3 { h.tick(depth: 0.9) }
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults.contains(.sensorFault))
        #expect(!h.supervisor.faults.contains(.depthLimit))
    }

    @Test("a single in-window glitch cannot start the motor: start needs 3 consistent samples")
    func glitchCannotStart() throws {
        var h = CoreHarness()
        h.settle(at: 0.2)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        for _ in 0..<3 { h.tick(depth: nil) }  // sensor fault, history wiped
        #expect(h.supervisor.faults.contains(.sensorFault))
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.clear)) == .causePresent, "one sample is not trusted yet")
        h.tick(depth: 0.5)
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.clear)) == nil)
    }

    @Test("a sensor frozen on one raw value while running latches sensor_fault")
    func stuckSensor() throws {
        var h = CoreHarness()
        h.dither = false
        try h.run(target: 0.5)
        for _ in 0..<45 { h.tick(depth: 0.5) }
        #expect(h.last.motorEnable)
        for _ in 0..<10 { h.tick(depth: 0.5) }
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults.contains(.sensorFault))
    }

    @Test("with no valid depth the motor never runs")
    func noDepthNoMotor() {
        var h = CoreHarness()
        for _ in 0..<10 { h.tick(depth: nil) }
        _ = h.command(.arm(Plan(targetDepthMM: 0.5)))
        #expect(h.refusalCode(h.command(.start)) != nil)
        #expect(!h.tick(depth: nil).motorEnable)
    }
}
