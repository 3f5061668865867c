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

    /// The 6th sample is another read error, or a valid one: judged first, staleness latches
    /// either way (a late valid sample must not hide 6 ms of silence).
    @Test("no valid sample for 5 ms latches sensor_fault even with few samples, whatever the next sample says",
          arguments: [nil, 0.5] as [Double?])
    func staleLatches(sixth: Double?) throws {
        var config = SafetyConfig(calibration: CoreHarness.calibration)
        config.invalidSampleLimit = 100
        var h = CoreHarness(config: config)
        try h.run(target: 0.5)
        for _ in 0..<5 { h.tick(depth: nil) }
        #expect(h.last.motorEnable, "5 ms without a valid sample is still allowed")
        h.tick(depth: sixth)
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults.contains(.sensorFault))
    }

    @Test("a glitch of 0 counts is rejected, not read as a depth, and the run goes on")
    func zeroGlitchRejected() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        h.tick(.reading(rawAngle: 0, magnetGood: true))
        #expect(h.last.motorEnable)
        #expect(h.supervisor.faults.isEmpty, "one implausible sample below the window: invalid, no fault")
        h.tick(depth: 0.5)
        #expect(h.last.motorEnable)
        #expect(h.supervisor.status().depthMM.map { abs($0 - 0.5) < 0.002 } == true)
    }

    @Test("a glitch of 3839 counts reads beyond the home limit: the motor stops in that tick (fail-safe)")
    func glitch3839Trips() throws {
        // DESIGN §3 rule 1: a sample beyond the limit trips whether or not it is plausible.
        // 3839 counts is 3.327 mm on this calibration; the pen cannot tell a failed transfer
        // from a collar that really is there, so it stops.
        var h = CoreHarness()
        try h.run(target: 0.5)
        h.tick(.reading(rawAngle: 3839, magnetGood: true))
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults.contains(.depthLimit))
        #expect(h.supervisor.status().depthMM.map { abs($0 - 0.5) < 0.002 } == true, "not read as a depth")
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
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        // Two read errors (not yet a fault) wipe the run of consistent samples.
        h.tick(depth: nil)
        h.tick(depth: nil)
        #expect(h.supervisor.faults.isEmpty)
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.start)) == .sensorInvalid, "one in-window sample")
        #expect(!h.tick(depth: 0.5).motorEnable)
        #expect(h.refusalCode(h.command(.start)) == .sensorInvalid, "two")
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.start)) == nil, "three consistent samples are trusted")
    }

    @Test("clear after sensor_fault also needs 3 consistent samples")
    func clearNeedsConsistentSamples() throws {
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

    @Test("from power-up, as later, the third invalid sample in a row latches sensor_fault, not the second")
    func invalidRunFromPowerUp() {
        var h = CoreHarness()
        h.tick(depth: nil)
        h.tick(depth: nil)
        #expect(h.supervisor.faults.isEmpty)
        h.tick(depth: nil)
        #expect(h.supervisor.faults == FaultSet(.sensorFault))
    }

    @Test("the stuck-sensor timeout is 50 ms to the tick: frozen 49 ms runs, frozen 50 ms latches")
    func stuckSensorBoundary() throws {
        var h = CoreHarness()
        h.dither = false
        try h.run(target: 0.5)  // started at T, this tick is T + 1 ms
        for _ in 0..<48 { h.tick(depth: 0.5) }
        #expect(h.last.motorEnable, "frozen for 49 ms of the run")
        #expect(!h.tick(depth: 0.5).motorEnable, "frozen for 50 ms of the run")
        #expect(h.supervisor.faults == FaultSet(.sensorFault))
    }

    @Test("with no valid depth the motor never runs: start and the trigger are refused as sensor_invalid")
    func noDepthNoMotor() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        for input: DepthInput in [.readError, .reading(rawAngle: CoreHarness.raw(0.5), magnetGood: false)] {
            h.tick(input)
            h.tick(input)
            #expect(h.supervisor.faults.isEmpty, "two invalid samples latch nothing yet")
            #expect(h.refusalCode(h.command(.start)) == .sensorInvalid)
            #expect(!h.last.motorEnable)
            h.settle(at: 0.5, ticks: 1)
        }
        // A trigger press with only invalid samples does not start it either.
        var enabled = false
        h.triggerHeld = true
        for i in 0..<30 { enabled = h.tick(i % 2 == 0 ? .readError : .reading(rawAngle: CoreHarness.raw(0.5), magnetGood: false)).motorEnable || enabled }
        #expect(!enabled)
    }

    /// Rule 3 calls a sample implausible when it jumped *further* than the collar can move:
    /// noise allowance + top speed × time since the last valid sample. A jump of exactly that
    /// much is a collar moving at its top speed, and valid. The tie is built in binary
    /// fractions so that it is exact in floating point: 1/256 mm a count, a noise allowance of
    /// 1/32 mm, and a tick of 1,953,125 ns (1/512 s, so 50 mm/s × Δt = 25/256 mm): the
    /// allowance is 33/256 mm, exactly 33 counts.
    @Test("a jump of exactly noise allowance + top speed × Δt is valid; one count further is not")
    func jumpAtTheAllowance() {
        var config = SafetyConfig(calibration: DepthCalibration(zeroCounts: 512, mmPerCount: 1.0 / 256))
        config.noiseAllowanceMM = 1.0 / 32
        var supervisor = SafetySupervisor(config: config, startNs: 1_000_000_000)
        var nowNs: UInt64 = 1_000_000_000
        func sample(_ raw: UInt16) -> Double? {
            nowNs += 1_953_125
            _ = supervisor.tick(Readings(nowNs: nowNs, depth: .reading(rawAngle: raw, magnetGood: true)))
            return supervisor.status().depthMM
        }
        for raw: UInt16 in [600, 601, 600] { _ = sample(raw) }
        #expect(supervisor.status().depthMM == 88.0 / 256)
        #expect(sample(633) == 121.0 / 256, "33 counts in one tick: the collar at its top speed")
        #expect(sample(667) == 121.0 / 256, "34 counts: a glitch, the last valid depth stays")
        #expect(supervisor.faults.isEmpty)
    }
}
