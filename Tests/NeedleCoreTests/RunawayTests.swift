import Testing
@testable import NeedleCore

/// Rule 6's runaway: a motor that turns without being driven (enable stuck high
/// electrically) or faster than any level (PWM ignoring its writes) is out of software's
/// control; the supervisor latches `runaway` and stops the heartbeat.
@Suite("Rule 6 — runaway")
struct RunawayTests {
    /// A tick with `strokes` tach strokes, the last stamped at the tick's time.
    func tick(_ h: inout CoreHarness, strokes: Int, depth: Double = 0.5) -> OutputCommand {
        h.nowNs += h.periodNs
        var readings = Readings(nowNs: h.nowNs, depth: .reading(rawAngle: CoreHarness.raw(depth) + UInt16(h.nowNs / h.periodNs % 2), magnetGood: true))
        readings.strokes = strokes
        readings.lastStrokeNs = strokes > 0 ? h.nowNs : 0
        return h.supervisor.tick(readings)
    }

    @Test("strokes while not driven, beyond the coast-down, latch runaway and stop the heartbeat")
    func undrivenStrokes() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        var beats: [Bool] = []
        var out = OutputCommand.safe
        // 150 Hz from a motor nobody drives: a stroke about every 7 ms.
        for i in 0..<400 {
            out = tick(&h, strokes: i % 7 == 0 ? 1 : 0)
            if h.supervisor.faults.contains(.runaway) { beats.append(out.heartbeat) }
        }
        #expect(h.supervisor.faults.contains(.runaway))
        #expect(!out.motorEnable)
        #expect(beats.count > 10 && !beats.contains(true), "the heartbeat stays low once runaway latched")
    }

    @Test("the coast-down after a stop is not a runaway")
    func coastDownTolerated() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        for _ in 0..<100 { h.tick(depth: 0.5) }
        _ = try h.command(.stop).get()
        // A coasting cam: 10 strokes over the next 150 ms, then silence.
        for i in 0..<300 { _ = tick(&h, strokes: i < 150 && i % 15 == 0 ? 1 : 0) }
        #expect(!h.supervisor.faults.contains(.runaway))
        #expect(h.supervisor.faults.isEmpty)
    }

    @Test("strokes long after the stop are a runaway even when few")
    func lateStrokes() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        for _ in 0..<100 { h.tick(depth: 0.5) }
        _ = try h.command(.stop).get()
        for _ in 0..<600 { _ = tick(&h, strokes: 0) }
        _ = tick(&h, strokes: 1)
        #expect(h.supervisor.faults.contains(.runaway))
    }

    @Test("a stroke rate above the fastest level plus margin while running latches runaway")
    func overspeed() throws {
        var h = CoreHarness()
        h.strokeHz = 250  // a PWM stuck at full duty
        try h.run(target: 0.5, speed: 10)
        for _ in 0..<100 { h.tick(depth: 0.5) }
        #expect(h.supervisor.faults.contains(.runaway))
        #expect(!h.last.motorEnable)
    }

    @Test("the fastest level itself is no runaway")
    func topSpeedIsFine() throws {
        var h = CoreHarness()
        h.strokeHz = 150
        try h.run(target: 0.5, speed: 10)
        for _ in 0..<500 { h.tick(depth: 0.5) }
        #expect(h.supervisor.faults.isEmpty)
        #expect(h.last.motorEnable)
    }

    @Test("clear is refused while strokes continue, accepted once the motor is quiet; the heartbeat resumes")
    func clearNeedsQuiet() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        for i in 0..<300 { _ = tick(&h, strokes: i % 7 == 0 ? 1 : 0) }
        #expect(h.supervisor.faults.contains(.runaway))
        #expect(h.refusalCode(h.command(.clear)) == .causePresent)
        for _ in 0..<600 { _ = tick(&h, strokes: 0) }
        #expect(h.refusalCode(h.command(.clear)) == nil)
        let a = tick(&h, strokes: 0).heartbeat
        let b = tick(&h, strokes: 0).heartbeat
        #expect(a != b, "toggling again")
    }

    @Test("the watch's edges: 30 undriven strokes coast, the 31st is a runaway; a stroke 500 ms after the drive coasts, 1 ns later it does not")
    func watchBoundaries() {
        let config = SafetyConfig(calibration: CoreHarness.calibration)
        #expect(config.runawayCoastStrokes == 30 && config.runawayCoastNs == 500_000_000)
        var watch = RunawayWatch(startNs: 0)
        /// One tick's strokes, the last stamped `stamp` (nil: untrusted); true: a runaway.
        func note(_ strokes: Int, at ns: UInt64, stamp: UInt64?, driven: Bool = false) -> Bool {
            watch.note(strokes: strokes, lastStrokeNs: stamp, driven: driven, nowNs: ns, config: config)
        }
        #expect(!note(9, at: 1_000_000, stamp: 1_000_000, driven: true))
        #expect(!note(30, at: 2_000_000, stamp: 2_000_000))
        #expect(note(1, at: 3_000_000, stamp: 3_000_000))
        // Driven again: the count starts over.
        #expect(!note(5, at: 4_000_000, stamp: 4_000_000, driven: true))
        #expect(!note(30, at: 5_000_000, stamp: 5_000_000))

        let drivenAt: UInt64 = 1_000_000
        watch = RunawayWatch(startNs: 0)
        _ = note(0, at: drivenAt, stamp: nil, driven: true)
        #expect(!note(1, at: drivenAt + 500_000_000, stamp: drivenAt + 500_000_000))
        #expect(note(1, at: drivenAt + 500_000_001, stamp: drivenAt + 500_000_001))
        // A stroke with no trustworthy stamp: only the count speaks.
        watch = RunawayWatch(startNs: 0)
        #expect(!note(1, at: 10_000_000_000, stamp: nil))
    }

    @Test("overspeed is above 180 Hz, not at it; a runaway's cause is gone 500 ms after the last stroke, not sooner")
    func overspeedAndQuietEdges() {
        let config = SafetyConfig(calibration: CoreHarness.calibration)
        #expect(!RunawayWatch.overspeed(rateHz: 180, config: config))
        #expect(RunawayWatch.overspeed(rateHz: 180.01, config: config))
        #expect(RunawayWatch.quiet(lastStrokeNs: 0, nowNs: 1, config: config), "no stroke ever")
        #expect(!RunawayWatch.quiet(lastStrokeNs: 1_000, nowNs: 1_000 + 500_000_000, config: config))
        #expect(RunawayWatch.quiet(lastStrokeNs: 1_000, nowNs: 1_000 + 500_000_001, config: config))
    }

    @Test("a motor already turning at needled's first tick is a runaway: the first tick's strokes count as undriven")
    func turningAtFirstTick() {
        var h = CoreHarness()
        #expect(tick(&h, strokes: 31).heartbeat == false)
        #expect(h.supervisor.faults == FaultSet(.runaway))
        // 30, as after a drive, is still the coast-down allowance.
        var coast = CoreHarness()
        _ = tick(&coast, strokes: 30)
        #expect(coast.supervisor.faults.isEmpty)
    }

    @Test("a tach batch stamped like the previous one adds its strokes but no rate: no infinite rate, no runaway")
    func repeatedStampIsNoRate() throws {
        var h = CoreHarness()
        h.strokeHz = 0
        try h.run(target: 0.5)
        let stamp = h.nowNs
        for _ in 0..<2 {
            h.nowNs += h.periodNs
            var readings = Readings(nowNs: h.nowNs, depth: .reading(rawAngle: CoreHarness.raw(0.5) + UInt16(h.nowNs / h.periodNs % 2), magnetGood: true))
            readings.strokes = 1
            readings.lastStrokeNs = stamp
            _ = h.supervisor.tick(readings)
        }
        #expect(h.supervisor.faults.isEmpty)
        #expect(h.supervisor.status().strokeRateHz.isFinite)
    }
}
