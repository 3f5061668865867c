import NeedleRecords
import Testing

@Suite("Records: reading history")
struct QueryTests {
    /// chin@1000 (closed), forehead@5000, cheek@3000, forehead@2000 (closed), none@4000,
    /// forehead@5000 again: written out of start order, with a tie.
    static func populated() throws -> (TreatmentRecordStore, [String: [Int64]]) {
        let store = try TreatmentRecordStore.inMemory()
        var ids: [String: [Int64]] = [:]
        func add(_ area: String?, _ start: Int64, closed: Bool = false) throws {
            let record = openSession(area: area, startedAtMs: start)
            let id = closed ? try #require(try recordClosedSession(store, record).id) : try store.open(record)
            ids[area ?? "-", default: []].append(id)
        }
        try add("chin", 1_000, closed: true)
        try add("forehead", 5_000)
        try add("cheek", 3_000)
        try add("forehead", 2_000, closed: true)
        try add(nil, 4_000)
        try add("forehead", 5_000)
        return (store, ids)
    }

    @Test("history is ordered by start, then id")
    func ordered() throws {
        let (store, ids) = try Self.populated()
        let rows = try store.history()
        #expect(rows.map(\.startedAtMs) == [1_000, 2_000, 3_000, 4_000, 5_000, 5_000])
        #expect(rows.suffix(2).map(\.id) == [ids["forehead"]?[0], ids["forehead"]?[2]])
    }

    @Test("history filters by area, by start (inclusive), and by both")
    func filters() throws {
        let (store, _) = try Self.populated()
        #expect(try store.history(area: "forehead").map(\.startedAtMs) == [2_000, 5_000, 5_000])
        #expect(try store.history(area: "nose") == [])
        #expect(try store.history(sinceMs: 3_000).map(\.startedAtMs) == [3_000, 4_000, 5_000, 5_000])
        #expect(try store.history(sinceMs: 3_001).map(\.startedAtMs) == [4_000, 5_000, 5_000])
        #expect(try store.history(area: "forehead", sinceMs: 2_001).map(\.startedAtMs) == [5_000, 5_000])
        #expect(try store.history(area: "chin", sinceMs: 1_001) == [])
    }

    @Test("lastStartMs is the latest start on the area, open or closed; nil if never treated")
    func lastStart() throws {
        let (store, _) = try Self.populated()
        #expect(try store.lastStartMs(area: "forehead") == 5_000)
        #expect(try store.lastStartMs(area: "chin") == 1_000)
        #expect(try store.lastStartMs(area: "nose") == nil)
    }

    @Test("sessionsByArea counts each named area, ordered by name; depth-only sessions are left out")
    func byArea() throws {
        let (store, _) = try Self.populated()
        #expect(
            try store.sessionsByArea() == [
                AreaSummary(area: "cheek", sessions: 1, firstStartMs: 3_000, lastStartMs: 3_000),
                AreaSummary(area: "chin", sessions: 1, firstStartMs: 1_000, lastStartMs: 1_000),
                AreaSummary(area: "forehead", sessions: 3, firstStartMs: 2_000, lastStartMs: 5_000),
            ])
        #expect(try TreatmentRecordStore.inMemory().sessionsByArea() == [])
    }
}
