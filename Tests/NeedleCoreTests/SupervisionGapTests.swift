import Testing
@testable import NeedleCore

/// Rule 3's timeout measured across a gap in the loop, and the tach's timestamps: neither
/// a late tick nor a stamp from the future may hide what the motor did unsupervised.
@Suite("Rule 3 — gaps in supervision and tach stamps")
struct SupervisionGapTests {
    @Test("a loop away longer than the monostable's 20 ms while running latches sensor_fault, though the next sample is valid")
    func gapWhileRunningLatches() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        #expect(h.last.motorEnable)
        h.nowNs += 20_000_000  // the loop was away: 21 ms with this tick's period
        let out = h.tick(depth: 0.5)
        #expect(!out.motorEnable)
        #expect(h.supervisor.faults.contains(.sensorFault))
        // Nothing restarts by itself after the gap.
        for _ in 0..<50 { h.tick(depth: 0.5) }
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.state == .fault)
    }

    @Test("a loop gap of exactly the monostable's 20 ms keeps the run: only a longer one latches (H-SEN-1)")
    func gapOfExactlyTheMonostablePeriod() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        h.nowNs += 19_000_000  // 20 ms with this tick's period
        #expect(h.tick(depth: 0.5).motorEnable)
        #expect(h.supervisor.faults.isEmpty)
    }

    @Test("a loop gap inside the monostable's period keeps the run, and the sample after it is judged in full")
    func shortLoopGapJudged() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        h.nowNs += 9_000_000  // 10 ms away: more than the 5 ms sensor timeout, less than 20 ms
        #expect(h.tick(depth: 0.5).motorEnable)
        #expect(h.supervisor.faults.isEmpty)
        // The same gap with the collar beyond the limit afterwards trips in that tick.
        var deep = CoreHarness()
        try deep.run(target: 0.95)
        deep.nowNs += 9_000_000
        #expect(!deep.tick(depth: 1.02).motorEnable)
        #expect(deep.supervisor.faults.contains(.depthLimit))
        // And an invalid sample after the gap: no valid one for 10 ms, so the sensor failed.
        var silent = CoreHarness()
        try silent.run(target: 0.5)
        silent.nowNs += 9_000_000
        #expect(!silent.tick(depth: nil).motorEnable)
        #expect(silent.supervisor.faults.contains(.sensorFault))
    }

    @Test("a gap just inside the timeout is tolerated while running")
    func gapInsideTimeout() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        h.nowNs += 3_000_000  // 4 ms since the last valid sample with this tick's period
        #expect(h.tick(depth: 0.5).motorEnable)
        #expect(h.supervisor.faults.isEmpty)
    }

    @Test("a gap of exactly the 5 ms sensor timeout is no gap: trust is kept and start is accepted at once")
    func gapOfExactlyTheTimeoutKeepsTrust() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        h.nowNs += 4_000_000  // 5 ms with this tick's period
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.start)) == nil)
    }

    @Test("a sample exactly the 5 ms sensor timeout old is still fresh and trusted, 1 ns more and it is not",
          arguments: [(UInt64(5_000_000), true), (5_000_001, false)])
    func sampleAgeAtTheTimeout(ageNs: UInt64, fresh: Bool) throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        let later = h.nowNs + ageNs
        _ = try h.supervisor.handle(.stop, nowNs: later).get()  // only moves the supervisor's time
        #expect((h.supervisor.status().depthMM != nil) == fresh)
        #expect(h.refusalCode(h.supervisor.handle(.start, nowNs: later)) == (fresh ? nil : .sensorInvalid))
    }

    @Test("a gap while idle latches nothing but drops trust: start needs 3 new consistent samples")
    func gapWhileIdleDropsTrust() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        h.nowNs += 10_000_000
        h.tick(depth: 0.5)
        #expect(h.supervisor.faults.isEmpty)
        #expect(h.refusalCode(h.command(.start)) == .sensorInvalid)
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.start)) == .sensorInvalid, "2 samples since the gap")
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.start)) == nil)
    }

    @Test("a tach stamp from the future does not hide a stall")
    func futureTachStampIgnored() throws {
        var h = CoreHarness()
        h.strokeHz = 0  // the cam is jammed: no real strokes
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        _ = try h.command(.start).get()
        // One batch stamped a second ahead: read as "a stroke just now" it would keep
        // the stall check quiet for a whole second.
        var readings = Readings(nowNs: h.nowNs + 1_000_000, depth: .reading(rawAngle: CoreHarness.raw(0.5), magnetGood: true))
        readings.strokes = 1
        readings.lastStrokeNs = h.nowNs + 1_000_000_000
        h.nowNs += 1_000_000
        _ = h.supervisor.tick(readings)
        for _ in 0..<110 { h.tick(depth: 0.5) }
        #expect(h.supervisor.faults.contains(.stall), "stall latched within 100 ms of the start")
        #expect(!h.last.motorEnable)
    }

    @Test("a tach stamp slightly after the tick's clock read (the loop reads the tach later) is normal")
    func slightlyLateStampAccepted() throws {
        var h = CoreHarness()
        h.strokeHz = 0
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        _ = try h.command(.start).get()
        // A stroke every 10 ms, each stamped 0.5 ms after its tick's time: no stall.
        for i in 1...300 {
            h.nowNs += 1_000_000
            var readings = Readings(nowNs: h.nowNs, depth: .reading(rawAngle: CoreHarness.raw(0.5) + UInt16(i % 2), magnetGood: true))
            if i % 10 == 0 {
                readings.strokes = 1
                readings.lastStrokeNs = h.nowNs + 500_000
            }
            #expect(h.supervisor.tick(readings).motorEnable || i < 2)
        }
        #expect(h.supervisor.faults.isEmpty)
    }

    /// The slack is inclusive: `tachFutureSlackNs` is how far ahead a batch may be stamped and
    /// still be a sign of life. A cam stroking every 10 ms whose every stamp is exactly that far
    /// ahead keeps running; 1 ns further and every stamp is untrusted, so nothing vouches for
    /// the cam and the stall check latches within its 100 ms (H-MOT-5).
    @Test("a tach stamp exactly the 2 ms slack ahead of the tick is a sign of life; 1 ns more and the stall latches",
          arguments: [(UInt64(2_000_000), true), (UInt64(2_000_001), false)])
    func tachStampAtTheSlack(aheadNs: UInt64, signOfLife: Bool) throws {
        var h = CoreHarness()
        h.strokeHz = 0
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        _ = try h.command(.start).get()
        for i in 1...300 {
            h.nowNs += 1_000_000
            var readings = Readings(nowNs: h.nowNs, depth: .reading(rawAngle: CoreHarness.raw(0.5) + UInt16(i % 2), magnetGood: true))
            if i % 10 == 0 {
                readings.strokes = 1
                readings.lastStrokeNs = h.nowNs + aheadNs
            }
            _ = h.supervisor.tick(readings)
        }
        if signOfLife {
            #expect(h.supervisor.faults.isEmpty)
            #expect(h.supervisor.state == .running)
        } else {
            #expect(h.supervisor.faults == FaultSet(.stall))
            #expect(h.supervisor.state == .fault)
        }
    }
}
