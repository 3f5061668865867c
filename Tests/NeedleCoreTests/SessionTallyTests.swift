import Testing
@testable import NeedleCore

@Suite("Treatment session tally (what the record is made of)")
struct SessionTallyTests {
    func session(_ h: CoreHarness) throws -> SessionTally {
        try #require(h.supervisor.status().session)
    }

    @Test("no session exists before the motor first starts; arming alone opens none")
    func openedByStartOnly() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        h.tick(depth: 0.5)
        #expect(h.supervisor.status().session == nil)
        _ = try h.command(.start).get()
        let opened = try session(h)
        #expect(opened.sequence == 1)
        #expect(opened.isOpen)
        #expect(opened.openedNs == h.nowNs)
        #expect(opened.plan.targetDepthMM == 0.5)
        #expect(opened.mode == .home)
    }

    @Test("a completed session: closed once, with exact strokes, motor time, mean rate and depth statistics")
    func completed() throws {
        var h = CoreHarness()
        let strokesBefore = h.fedStrokes
        try h.run(target: 0.5, durationS: 0.5)
        var tick = 0
        while h.supervisor.state == .running, tick < 1000 {
            let depth = tick % 3 == 0 ? 0.49 : 0.51
            h.tick(depth: depth)
            tick += 1
        }
        let closed = try session(h)
        #expect(closed.end == .completed)
        #expect(closed.closedNs == h.nowNs)
        #expect(closed.motorOnNs == 500_000_000)
        #expect(closed.strokes == h.fedStrokes - strokesBefore)
        #expect(closed.strokes == h.supervisor.status().strokes)
        #expect(closed.strokes > 40)
        let rate = try #require(closed.meanStrokeRateHz)
        #expect(abs(rate - Double(closed.strokes) / 0.5) < 1e-9)
        let low = try #require(closed.measuredMinMM)
        let high = try #require(closed.measuredMaxMM)
        let mean = try #require(closed.depthMeanMM)
        #expect(low >= 0.48 && low <= 0.5)
        #expect(high >= 0.5 && high <= 0.52)
        #expect(mean > low && mean < high)
        // Nothing changes after the close.
        h.settle(at: 0.5, ticks: 50)
        #expect(try session(h) == closed)
    }

    @Test("stop pauses the session; start continues it; disarm closes it as stopped")
    func stopAndDisarm() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        h.settle(at: 0.5, ticks: 100)
        _ = h.command(.stop)
        h.settle(at: 0.5, ticks: 50)
        #expect(try session(h).isOpen)
        #expect(try session(h).motorOnNs == 101_000_000, "an open session's motor time, paused")
        _ = try h.command(.start).get()
        h.settle(at: 0.5, ticks: 100)
        #expect(try session(h).sequence == 1, "the second start continued the session")
        #expect(try session(h).motorOnNs == 201_000_000, "an open session's motor time, running")
        _ = h.command(.stop)
        _ = h.command(.disarm)
        let closed = try session(h)
        #expect(closed.end == .stopped)
        #expect(closed.motorOnNs == 201_000_000)
    }

    @Test("arming another plan closes the paused session; its first start opens session 2")
    func rearmCloses() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        h.settle(at: 0.5, ticks: 20)
        _ = h.command(.stop)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5, speedLevel: 3))).get()
        #expect(try session(h).end == .stopped)
        #expect(try session(h).sequence == 1)
        _ = try h.command(.start).get()
        let second = try session(h)
        #expect(second.sequence == 2)
        #expect(second.plan.speedLevel == 3)
        #expect(second.strokes == 0)
    }

    @Test("a fault closes the session with the fault's code, the over-limit sample included")
    func faulted() throws {
        var h = CoreHarness()
        try h.run(target: 0.95)
        h.settle(at: 0.95, ticks: 20)
        h.tick(depth: 0.97)
        h.tick(depth: 0.99)
        h.tick(depth: 1.0)
        let closed = try session(h)
        #expect(closed.end == .fault(.depthLimit))
        #expect(closed.end?.code == "depth_limit")
        #expect(try #require(closed.measuredMaxMM) >= 1.0 - 1e-9)
        // An e-stop while the session is only paused closes it too.
        var paused = CoreHarness()
        try paused.run(target: 0.5)
        paused.settle(at: 0.5, ticks: 10)
        _ = paused.command(.stop)
        paused.estop = true
        paused.tick(depth: 0.5)
        #expect(try session(paused).end == .fault(.estop))
    }

    @Test("the cartridge the session started on is kept with it")
    func cartridgeKept() throws {
        var config = SafetyConfig(calibration: CoreHarness.calibration)
        config.cartridgeIdentityRequired = true
        var h = CoreHarness(config: config)
        let info = CartridgeInfo(
            serial: CartridgeTag(low: 0x4142, high: 0), lot: CartridgeTag(low: 0x4c, high: 0), needleCount: 36, used: false)
        h.cartridge = .identified(info)
        try h.run(target: 0.5)
        #expect(try session(h).cartridge == info)
    }

    /// What the record's depth and rate columns say at their edges: a session that never had
    /// a valid depth sample has no measured depth (not 0 mm, not NaN), one sample is its own
    /// mean, minimum and maximum, and a session whose motor never ran has no mean rate.
    @Test("the statistics at their edges: no sample, no depth; one sample is mean, min and max; no motor time, no rate")
    func statisticsEdges() {
        var tally = SessionTally(sequence: 1, plan: Plan(targetDepthMM: 0.5), mode: .home, cartridge: nil, openedNs: 0)
        #expect(tally.depthSamples == 0)
        #expect(tally.depthMeanMM == nil && tally.measuredMinMM == nil && tally.measuredMaxMM == nil)
        #expect(tally.meanStrokeRateHz == nil)
        tally.addDepth(0.5)
        #expect(tally.depthSamples == 1)
        #expect(tally.depthMeanMM == 0.5 && tally.measuredMinMM == 0.5 && tally.measuredMaxMM == 0.5)
        tally.addDepth(0.25)
        #expect(tally.depthMeanMM == 0.375 && tally.measuredMinMM == 0.25 && tally.measuredMaxMM == 0.5)
        // A motor that ran at all, however briefly, has a rate: 0 strokes in 1 ns is 0 Hz.
        tally.motorOnNs = 1
        #expect(tally.meanStrokeRateHz == 0)
        tally.strokes = 150
        tally.motorOnNs = 2_000_000_000
        #expect(tally.meanStrokeRateHz == 75)
    }
}

@Suite("One cartridge, one session")
struct CartridgePerSessionTests {
    @Test("after a session closes, the same (now used) cartridge is refused for the next one")
    func reuseAfterClose() throws {
        var config = SafetyConfig(calibration: CoreHarness.calibration)
        config.cartridgeIdentityRequired = true
        var h = CoreHarness(config: config)
        let fresh = CartridgeInfo(
            serial: CartridgeTag(low: 0x4142, high: 0), lot: CartridgeTag(low: 0x4c, high: 0), needleCount: 36, used: false)
        h.cartridge = .identified(fresh)
        try h.run(target: 0.5)
        var used = fresh
        used.used = true
        h.cartridge = .identified(used)
        h.settle(at: 0.5, ticks: 10)
        _ = h.command(.stop)
        _ = try h.command(.start).get()  // the same session goes on
        _ = h.command(.stop)
        _ = h.command(.disarm)
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        #expect(h.refusalCode(h.command(.start)) == .cartridgeUsed)
        #expect(h.supervisor.status().cartridgeMarkPending == false)
    }
}
