import Logging
import NeedleCore
import NeedleRecords
import NeedleSim
import Testing
@testable import NeedleDaemon

/// Sessions on the simulated pen, through the real ControlLoop on a virtual clock, written
/// by the recorder: one row each, opened at the first start and closed with its reason.
@Suite("Treatment records of real sessions")
struct TreatmentRecorderTests {
    let wall = ManualWallClock()

    func recorder(_ store: TreatmentRecordStore) -> TreatmentRecorder {
        TreatmentRecorder(store: store, wallClock: wall, logger: Logger(label: "test"))
    }

    /// Ticks `count` ms, the recorder looking every 100 ms as in the daemon (the wall
    /// clock moves with the virtual one).
    func run(_ h: SimLoopHarness, _ r: TreatmentRecorder, ms count: Int) {
        for index in 1...count {
            h.tick()
            wall.advance(ms: 1)
            if index % 100 == 0 { r.observe(h.loop.status(), nowNs: h.clock.nowNanoseconds()) }
        }
        r.observe(h.loop.status(), nowNs: h.clock.nowNanoseconds())
    }

    func only(_ store: TreatmentRecordStore) throws -> TreatmentRecord {
        let rows = try store.history()
        #expect(rows.count == 1)
        return try #require(rows.first)
    }

    @Test("a completed session: times, measured depths, strokes, cartridge and uid")
    func completed() throws {
        let store = try TreatmentRecordStore.inMemory()
        let r = recorder(store)
        let h = SimLoopHarness()
        h.pen.setDepth(mm: 0.5)
        h.waitForCartridge()
        h.tick(until: { abs(h.pen.snapshot().collarDepthMM - 0.5) < 0.001 })
        h.tick(20)
        _ = try h.command(.armRequest(PlanRequest(targetDepthMM: 0.5, area: "forehead", durationS: 1.5), clinician: false)).get()
        r.noteArmed(by: 1000)
        let startMs = wall.nowUnixMs()
        _ = try h.command(.start).get()
        run(h, r, ms: 400)
        #expect(try only(store).endReason == nil, "open while running")
        run(h, r, ms: 1400)
        let status = h.loop.status()
        #expect(status.state == .idle)
        let row = try only(store)
        #expect(row.endReason == "completed")
        #expect(row.area == "forehead")
        #expect(row.mode == "home")
        #expect(row.targetDepthMM == 0.5)
        #expect(row.speedLevel == 4 || row.speedLevel == 5)
        // The session counts strokes until it closes; the status also counts the cam's
        // last few turns as it coasts to a stop (~40 ms at ~100 Hz).
        #expect(row.strokes <= status.strokes && row.strokes >= status.strokes - 8)
        #expect(row.strokes > 100)
        #expect(abs(row.motorOnS - 1.5) < 0.002)
        let rate = try #require(row.meanStrokeRateHz)
        #expect(abs(rate - Double(row.strokes) / row.motorOnS) < 0.5)
        let (low, mean, high) = (try #require(row.depthMinMM), try #require(row.depthMeanMM), try #require(row.depthMaxMM))
        #expect(low <= mean && mean <= high)
        #expect(abs(mean - 0.5) < 0.02 && high < 0.55 && low > 0.45)
        #expect(row.cartridgeSerial == SimParameters().cartridgeSerial)
        #expect(row.cartridgeLot == SimParameters().cartridgeLot)
        #expect(row.peerUID == 1000)
        #expect(row.override == false)
        #expect(abs(row.startedAtMs - startMs) <= 1)
        let ended = try #require(row.endedAtMs)
        #expect(abs(ended - row.startedAtMs - 1500) <= 2)
    }

    @Test("stop and disarm close the session as stopped")
    func stopped() throws {
        let store = try TreatmentRecordStore.inMemory()
        let r = recorder(store)
        let h = SimLoopHarness()
        _ = try h.startTreatment(depth: 0.5).get()
        run(h, r, ms: 300)
        _ = h.command(.stop)
        run(h, r, ms: 200)
        #expect(try only(store).endReason == nil, "a stop only pauses the session")
        _ = h.command(.disarm)
        run(h, r, ms: 100)
        let row = try only(store)
        #expect(row.endReason == "stopped")
        #expect(row.strokes > 10)
    }

    @Test("a fault closes the session with the fault's code")
    func faulted() throws {
        let store = try TreatmentRecordStore.inMemory()
        let r = recorder(store)
        let h = SimLoopHarness()
        _ = try h.startTreatment(depth: 0.5).get()
        run(h, r, ms: 300)
        h.pen.inject(.estop)
        run(h, r, ms: 100)
        #expect(try only(store).endReason == "estop")
    }

    @Test("a daemon killed mid-session leaves an open row that the next start closes as interrupted, numbers kept")
    func interrupted() throws {
        let store = try TreatmentRecordStore.inMemory()
        let first = recorder(store)
        let h = SimLoopHarness()
        _ = try h.startTreatment(depth: 0.5).get()
        run(h, first, ms: 2500)
        let open = try only(store)
        #expect(open.endReason == nil)
        #expect(open.strokes > 100, "progress was written while running")
        // The process dies here: nothing more is written. The next daemon recovers.
        wall.advance(ms: 60_000)
        try recorder(store).recoverInterrupted()
        let row = try only(store)
        #expect(row.endReason == "interrupted")
        #expect(row.endedAtMs == open.updatedAtMs)
        #expect(row.strokes == open.strokes)
    }

    @Test("a clinician's override is recorded")
    func overrideRecorded() throws {
        let store = try TreatmentRecordStore.inMemory()
        let r = recorder(store)
        let h = SimLoopHarness()
        h.pen.setDepth(mm: 0.9)
        h.tick(until: { abs(h.pen.snapshot().collarDepthMM - 0.9) < 0.001 })
        h.tick(60)
        // Forehead is 0.25–0.75 mm; 0.90 only with an override.
        _ = try h.command(.armRequest(PlanRequest(targetDepthMM: 0.9, area: "forehead", override: true), clinician: true)).get()
        _ = try h.command(.start).get()
        run(h, r, ms: 200)
        #expect(try only(store).override == true)
    }

    @Test("two sessions make two rows; the second's cartridge is the new one")
    func twoSessions() throws {
        let store = try TreatmentRecordStore.inMemory()
        let r = recorder(store)
        let h = SimLoopHarness()
        _ = try h.startTreatment(depth: 0.5).get()
        run(h, r, ms: 300)
        _ = h.command(.disarm)
        h.pen.removeCartridge()
        run(h, r, ms: 50)
        _ = h.command(.clear)
        h.pen.insertCartridge(serial: "CX-2", lot: "LOT-2", needles: 12)
        _ = try h.startTreatment(depth: 0.6).get()
        run(h, r, ms: 300)
        _ = h.command(.disarm)
        run(h, r, ms: 100)
        let rows = try store.history()
        #expect(rows.map(\.endReason) == ["stopped", "stopped"])
        #expect(rows.map(\.cartridgeSerial) == [SimParameters().cartridgeSerial, "CX-2"])
        #expect(rows.map(\.targetDepthMM) == [0.5, 0.6])
    }
}

@Suite("Treatment records when sessions change faster than the recorder looks")
struct FastSessionRecordTests {
    @Test("a session stopped and replaced between two looks is closed as stopped, not left open")
    func replacedBetweenLooks() throws {
        let wall = ManualWallClock()
        let store = try TreatmentRecordStore.inMemory()
        let r = TreatmentRecorder(store: store, wallClock: wall, logger: Logger(label: "test"))
        let h = SimLoopHarness()
        _ = try h.startTreatment(depth: 0.5).get()
        h.tick(300)
        r.observe(h.loop.status(), nowNs: h.clock.nowNanoseconds())
        // Within one 100 ms look: stop, a new plan (ends session 1), a new cartridge, start.
        _ = h.command(.stop)
        _ = h.command(.disarm)
        h.pen.removeCartridge()
        h.tick(5)
        h.pen.insertCartridge(serial: "CX-9", lot: "L9", needles: 12)
        h.waitForCartridge()
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        _ = try h.command(.start).get()
        h.tick(20)
        r.observe(h.loop.status(), nowNs: h.clock.nowNanoseconds())
        let rows = try store.history()
        #expect(rows.count == 2)
        #expect(rows.first?.endReason == "stopped")
        #expect(rows.first?.strokes ?? 0 > 10)
        #expect(rows.last?.endReason == nil)
        #expect(rows.last?.cartridgeSerial == "CX-9")
    }
}
