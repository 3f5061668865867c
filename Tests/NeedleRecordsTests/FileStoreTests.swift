import Testing

@testable import NeedleRecords

@Suite("Records: the database file")
struct FileStoreTests {
    @Test("rows survive the store being dropped and the file reopened; migrations are not re-run")
    func reopen() throws {
        try withTemporaryDirectory { directory in
            let path = "\(directory)/treatments.sqlite"
            var written: [TreatmentRecord] = []
            do {
                let store = try TreatmentRecordStore(path: path)
                written.append(try recordClosedSession(store, openSession(area: "chin")))
                var open = openSession(area: "forehead", startedAtMs: 1_700_000_100_000)
                open.id = try store.open(open)
                written.append(open)
            }
            let reopened = try TreatmentRecordStore(path: path)
            #expect(try reopened.history() == written)
            #expect(try reopened.appliedMigrations() == TreatmentRecordStore.schemaVersions)
            #expect(try migrationRows(reopened) == TreatmentRecordStore.schemaVersions)

            // And a third time, writing through the reopened store in between.
            #expect(try reopened.closeInterrupted().count == 1)
            let third = try TreatmentRecordStore(path: path)
            #expect(try third.history().map(\.endReason) == ["completed", "interrupted"])
            #expect(try third.appliedMigrations() == TreatmentRecordStore.schemaVersions)
        }
    }

    @Test("a file that stopped at the first migration gets every later one when opened")
    func migratesOlderFile() throws {
        let first = try #require(TreatmentRecordStore.schemaVersions.first)
        try withTemporaryDirectory { directory in
            let path = "\(directory)/treatments.sqlite"
            do {
                let db = try SQLiteConnection(path: path)
                try db.executeScript(RecordSchema.createMigrationsTable)
                try db.executeScript(try #require(RecordSchema.migrations.first).sql)
                try db.execute("INSERT INTO grdb_migrations (identifier) VALUES (?)", [.text(first)])
                try db.executeScript(
                    """
                    INSERT INTO treatment_session
                        (started_at_ms, updated_at_ms, mode, area, target_depth_mm,
                         speed_level, strokes, motor_on_s, override)
                    VALUES (1000, 1500, 'home', 'chin', 0.5, 2, 10, 1.5, 0)
                    """)
                #expect(try RecordSchema.appliedIdentifiers(db) == [first])
            }
            let store = try TreatmentRecordStore(path: path)
            #expect(try store.appliedMigrations() == TreatmentRecordStore.schemaVersions)
            let rows = try store.history()
            #expect(rows.count == 1)
            #expect(rows.first?.area == "chin" && rows.first?.updatedAtMs == 1500 && rows.first?.strokes == 10)
        }
    }

    @Test("a file written by a newer needled is refused, not written to")
    func refusesNewerSchema() throws {
        try withTemporaryDirectory { directory in
            let path = "\(directory)/treatments.sqlite"
            do {
                let store = try TreatmentRecordStore(path: path)
                try store.write("add a future migration") { db in
                    try db.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')")
                }
            }
            let error = storeError { _ = try TreatmentRecordStore(path: path) }
            #expect(error == .schemaTooNew(path: path, unknownMigrations: ["v99-future"]))
            #expect(error?.description.contains("newer needled") == true)
        }
    }

    @Test("a path in a directory that does not exist is a clear error naming the directory")
    func missingDirectory() throws {
        try withTemporaryDirectory { directory in
            let missing = "\(directory)/no-such-dir"
            let path = "\(missing)/treatments.sqlite"
            let error = try #require(storeError { _ = try TreatmentRecordStore(path: path) })
            guard case .cannotOpen(let reportedPath, let reason) = error else {
                Issue.record("expected cannotOpen, got \(error)")
                return
            }
            #expect(reportedPath == path)
            #expect(reason.contains("unable to open database file"), "\(reason)")
            #expect(reason.contains("directory \(missing) does not exist"), "\(reason)")
            #expect(error.description.hasPrefix("cannot open treatment records at \(path): SQLite error 14"))
        }
    }

    @Test("the file is opened in WAL mode with synchronous = FULL, so a returned write survives power loss")
    func durabilitySettings() throws {
        try withTemporaryDirectory { directory in
            let store = try TreatmentRecordStore(path: "\(directory)/treatments.sqlite")
            let (journal, synchronous) = try store.read("read the pragmas") { db in
                (
                    try db.fetchOne("PRAGMA journal_mode") { row in try row.value("journal_mode") as String },
                    try db.fetchOne("PRAGMA synchronous") { row in try row.value("synchronous") as Int }
                )
            }
            #expect(journal == "wal")
            #expect(synchronous == 2)  // FULL
        }
    }

    @Test("the file itself refuses half-closed rows and edits of closed rows; SQLite's message is kept")
    func schemaConstraints() throws {
        let store = try TreatmentRecordStore.inMemory()
        let closed = try recordClosedSession(store, openSession())
        let id = try #require(closed.id)

        let edit = storeError {
            try store.write("edit a closed row") { db in
                try db.execute("UPDATE treatment_session SET strokes = 1 WHERE id = ?", [.integer(id)])
            }
        }
        guard case .sqlite(let operation, let code, let message) = edit else {
            Issue.record("expected an SQLite error, got \(String(describing: edit))")
            return
        }
        #expect(operation == "edit a closed row")
        #expect(code == 19)  // SQLITE_CONSTRAINT
        #expect(message == "closed treatment sessions are immutable")

        let halfClosed = storeError {
            try store.write("insert a half-closed row") { db in
                try db.executeScript(
                    """
                    INSERT INTO treatment_session
                        (started_at_ms, updated_at_ms, mode, target_depth_mm, speed_level,
                         strokes, motor_on_s, override, end_reason)
                    VALUES (1, 1, 'home', 0.5, 1, 0, 0, 0, 'completed')
                    """)
            }
        }
        #expect(halfClosed?.description.contains("CHECK constraint failed") == true, "\(String(describing: halfClosed))")
        #expect(try store.history() == [closed])
    }
}

@Suite("Records: damaged data")
struct DamagedDataTests {
    @Test("a row missing a value the record needs is an unreadableRow error, not a crash")
    func missingValue() throws {
        let store = try TreatmentRecordStore.inMemory()
        _ = try store.open(openSession())
        // NOT NULL keeps such rows out of the table; a query can still produce one (a row
        // is read by name, the leftmost of two columns with the same name).
        let error = storeError {
            _ = try store.read("read a damaged row") { db in
                try db.fetchAll("SELECT NULL AS started_at_ms, * FROM treatment_session", [], TreatmentRecord.init(row:))
            }
        }
        guard case .unreadableRow(let operation, let message) = error else {
            Issue.record("expected unreadableRow, got \(String(describing: error))")
            return
        }
        #expect(operation == "read a damaged row")
        #expect(message.contains("started_at_ms"), "\(message)")
    }
}
