import NeedleRecords
import Testing

@Suite("Records: writing sessions")
struct SessionWriteTests {
    @Test("open → progress → close round-trips every field")
    func roundTrip() throws {
        let store = try TreatmentRecordStore.inMemory()
        var record = TreatmentRecord(
            startedAtMs: 1_700_000_000_123, updatedAtMs: 1_700_000_000_123, mode: "clinical",
            area: "forehead", targetDepthMM: 0.75, speedLevel: 4,
            cartridgeSerial: "C-0042", cartridgeLot: "LOT-7", override: true, peerUID: 1001)
        record.id = try store.open(record)
        let opened = try #require(try store.history().first)
        #expect(opened == record)
        #expect(!opened.isClosed)

        record.updatedAtMs += 30_000
        record.depthMinMM = 0.71
        record.depthMeanMM = 0.748
        record.depthMaxMM = 0.79
        record.meanStrokeRateHz = 118.5
        record.strokes = 3550
        record.motorOnS = 29.75
        try store.update(record)
        #expect(try store.history() == [record])

        record.updatedAtMs += 1_500
        record.endedAtMs = record.updatedAtMs
        record.endReason = "depth_limit"
        record.strokes = 3700
        try store.update(record)
        let closed = try store.history()
        #expect(closed == [record])
        #expect(closed.first?.isClosed == true)
    }

    @Test("open returns increasing ids and stores optional fields as nil")
    func openAssignsIDs() throws {
        let store = try TreatmentRecordStore.inMemory()
        let first = try store.open(openSession(area: nil))
        let second = try store.open(openSession(area: "chin"))
        #expect(second > first)
        let rows = try store.history()
        #expect(rows.map(\.id) == [first, second])
        #expect(rows[0].area == nil && rows[0].depthMeanMM == nil && rows[0].peerUID == nil)
        #expect(rows[0].endedAtMs == nil && rows[0].endReason == nil)
    }

    @Test("updating a closed session is refused and changes nothing")
    func closedIsImmutable() throws {
        let store = try TreatmentRecordStore.inMemory()
        let closed = try recordClosedSession(store, openSession())
        let id = try #require(closed.id)

        var rewrite = closed
        rewrite.strokes = 99
        rewrite.endReason = "stopped"
        #expect(storeError { try store.update(rewrite) } == .sessionClosed(id: id, endReason: "completed"))

        var reopen = closed
        reopen.endedAtMs = nil
        reopen.endReason = nil
        #expect(storeError { try store.update(reopen) } == .sessionClosed(id: id, endReason: "completed"))
        #expect(try store.history() == [closed])
    }

    @Test("open refuses a session that already has an end or an id, and inserts nothing")
    func openRefusesEndedSessions() throws {
        let store = try TreatmentRecordStore.inMemory()
        let closed = try recordClosedSession(store, openSession())
        let id = try #require(closed.id)

        // The same closed record opened a second time.
        #expect(storeError { _ = try store.open(closed) } == .openSessionHasID(id))

        var ended = closed
        ended.id = nil
        #expect(
            storeError { _ = try store.open(ended) }
                == .openSessionHasEnd(endReason: "completed", endedAtMs: closed.endedAtMs))

        var reasonOnly = openSession()
        reasonOnly.endReason = "stopped"
        #expect(storeError { _ = try store.open(reasonOnly) } == .openSessionHasEnd(endReason: "stopped", endedAtMs: nil))
        #expect(try store.history() == [closed])
    }

    @Test("update refuses a record without an id, an unknown id, and a half-set end")
    func updateRefusals() throws {
        let store = try TreatmentRecordStore.inMemory()
        #expect(storeError { try store.update(openSession()) } == .missingID)

        var unknown = openSession()
        unknown.id = 42
        #expect(storeError { try store.update(unknown) } == .noSuchSession(id: 42))

        var record = openSession()
        let id = try store.open(record)
        record.id = id
        record.endReason = "completed"
        #expect(
            storeError { try store.update(record) }
                == .inconsistentEnd(id: id, endedAtMs: nil, endReason: "completed"))
        #expect(try store.history().first?.endReason == nil)
    }

    @Test("closeInterrupted closes only open rows, ended at their last update")
    func closeInterrupted() throws {
        let store = try TreatmentRecordStore.inMemory()
        let done = try recordClosedSession(store, openSession(area: "chin", startedAtMs: 1_000))

        var late = openSession(area: "forehead", startedAtMs: 3_000)
        late.id = try store.open(late)
        late.updatedAtMs = 9_000
        late.strokes = 120
        try store.update(late)

        var early = openSession(area: nil, startedAtMs: 2_000)
        early.id = try store.open(early)
        early.updatedAtMs = 2_500
        try store.update(early)

        let closed = try store.closeInterrupted()
        var expectedEarly = early
        expectedEarly.endedAtMs = 2_500
        expectedEarly.endReason = "interrupted"
        var expectedLate = late
        expectedLate.endedAtMs = 9_000
        expectedLate.endReason = "interrupted"
        #expect(closed == [expectedEarly, expectedLate])
        #expect(try store.history() == [done, expectedEarly, expectedLate])
        #expect(try store.closeInterrupted() == [])
    }
}
