import Testing

@testable import NeedleRecords

/// Files written by needled before the records moved off GRDB (Fixtures/README.md): a
/// pen in the field upgrades with its history in one of these, cleanly closed or left
/// behind by a killed daemon with the newest rows still in the WAL.
@Suite("Records: files written by the GRDB-era needled")
struct GRDBFileTests {
    static let fixtures = ["grdb-v1.sqlite", "grdb-v1-killed.sqlite"]

    /// What Fixtures/README.md's program wrote.
    static let written: [TreatmentRecord] = [
        TreatmentRecord(
            id: 1, startedAtMs: 1_700_000_000_123, endedAtMs: 1_700_000_031_623, updatedAtMs: 1_700_000_031_623,
            mode: "clinical", area: "forehead", targetDepthMM: 0.75, depthMinMM: 0.71, depthMeanMM: 0.748,
            depthMaxMM: 0.79, speedLevel: 4, meanStrokeRateHz: 118.5, strokes: 3700, motorOnS: 29.75,
            endReason: "depth_limit", cartridgeSerial: "C-0042", cartridgeLot: "LOT-7", override: true, peerUID: 1001),
        TreatmentRecord(
            id: 2, startedAtMs: 1_700_000_100_000, endedAtMs: 1_700_000_160_000, updatedAtMs: 1_700_000_160_000,
            mode: "home", targetDepthMM: 0.5, speedLevel: 2, endReason: "completed"),
        TreatmentRecord(
            id: 3, startedAtMs: 1_700_000_200_000, updatedAtMs: 1_700_000_212_000, mode: "home", area: "chin",
            targetDepthMM: 0.25, depthMeanMM: 0.26, speedLevel: 3, strokes: 1400, motorOnS: 11.5, peerUID: 1000),
    ]

    @Test("opens at v1 with every field as written, without recording v1 twice; migrates forward to today's schema", arguments: fixtures)
    func opens(fixture: String) throws {
        try withTemporaryDirectory { directory in
            let store = try TreatmentRecordStore(path: try copyFixture(fixture, into: directory))
            #expect(try store.appliedMigrations() == ["v1", "v2-clients", "v3-notes-chain-trace"])
            #expect(try migrationRows(store) == ["v1", "v2-clients", "v3-notes-chain-trace"])
            // v3 sealed the two sessions closed before it into the hash chain, oldest first.
            let verdict = try store.verifyChain()
            #expect(verdict.intact && verdict.entries == 2, "\(verdict)")
            // Rows from before issue 12 say neither whom they treated nor on which backend.
            #expect(try store.history().allSatisfy { $0.client == nil && $0.backend == nil })
            #expect(try store.history() == Self.written)
            #expect(try store.sessionsByArea().map(\.area) == ["chin", "forehead"])
        }
    }

    @Test("its open session closes as interrupted at start; the file goes on as a new one would", arguments: fixtures)
    func continues(fixture: String) throws {
        try withTemporaryDirectory { directory in
            let path = try copyFixture(fixture, into: directory)
            var interrupted = Self.written[2]
            interrupted.endedAtMs = interrupted.updatedAtMs
            interrupted.endReason = "interrupted"
            do {
                let store = try TreatmentRecordStore(path: path)
                #expect(try store.closeInterrupted() == [interrupted])
                #expect(try recordClosedSession(store, openSession(startedAtMs: 1_700_000_300_000)).id == 4)
                // The v1 trigger came along: closed rows stay immutable in the file itself.
                let edit = storeError {
                    try store.write("edit a GRDB-era closed row") { db in
                        try db.execute("UPDATE treatment_session SET strokes = 0 WHERE id = 1")
                    }
                }
                #expect(edit == .sqlite(
                    operation: "edit a GRDB-era closed row", code: 19, message: "closed treatment sessions are immutable"))
            }
            let reopened = try TreatmentRecordStore(path: path)
            #expect(try reopened.history().map(\.endReason) == ["depth_limit", "completed", "interrupted", "completed"])
            #expect(try reopened.history().prefix(3) == Self.written.prefix(2) + [interrupted])
            // Closed at start and closed since: every closed row is in the chain.
            let verdict = try reopened.verifyChain()
            #expect(verdict.intact && verdict.entries == 4, "\(verdict)")
        }
    }

    @Test("a later migration is applied to it and recorded after v1")
    func laterMigration() throws {
        try withTemporaryDirectory { directory in
            let path = try copyFixture("grdb-v1.sqlite", into: directory)
            let v2 = RecordSchema.Migration(identifier: "v2-test", sql: "ALTER TABLE treatment_session ADD COLUMN note TEXT")
            let db = try SQLiteConnection(path: path)
            try RecordSchema.migrate(db, path: path, migrations: RecordSchema.migrations + [v2])
            #expect(try RecordSchema.appliedIdentifiers(db) == RecordSchema.migrations.map(\.identifier) + ["v2-test"])
            let notes = try db.fetchAll("SELECT note FROM treatment_session ORDER BY id") { row in
                try row.optional("note") as String?
            }
            #expect(notes == [nil, nil, nil])
        }
    }

    @Test("a migration that fails leaves the file as it was: no half-applied schema")
    func failedMigrationRollsBack() throws {
        try withTemporaryDirectory { directory in
            let path = try copyFixture("grdb-v1.sqlite", into: directory)
            let v2 = RecordSchema.Migration(
                identifier: "v2-broken",
                sql: "ALTER TABLE treatment_session ADD COLUMN note TEXT; ALTER TABLE no_such_table ADD COLUMN x")
            let db = try SQLiteConnection(path: path)
            #expect(throws: SQLiteError.self) {
                try RecordSchema.migrate(db, path: path, migrations: RecordSchema.migrations + [v2])
            }
            #expect(try RecordSchema.appliedIdentifiers(db) == ["v1"])
            let columns = try db.fetchAll("PRAGMA table_info(treatment_session)") { row in try row.value("name") as String }
            #expect(!columns.contains("note"))
            // v1's columns only: the v2-clients migration rolled back with the broken one.
            #expect(!columns.contains("client") && !columns.contains("backend"))
            #expect(columns.count == TreatmentRecord.Column.allCases.count - 2)
        }
    }
}
