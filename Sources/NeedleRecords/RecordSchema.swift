/// The records file's schema, as migrations applied in order from the first release on,
/// so every later change is one more migration and a file written by any older needled is
/// brought up to date when it is opened. A migration, once shipped, is never edited: its
/// SQL is spelled out here rather than built from the record type, so a change to
/// `TreatmentRecord` cannot silently change what "v1" created on devices in the field.
///
/// Which migrations a file has is kept where needled's first releases (built on GRDB) kept
/// it: one row per applied identifier in `grdb_migrations`. The name is history, but the
/// table is the file format on devices in the field; keeping it means a GRDB-era file
/// needs no conversion, and a file this build wrote still opens in an older needled as long
/// as no migration newer than that needled was applied (a package downgrade keeps working).
/// A file is "at version N" when it has the first N identifiers of `migrations`.
enum RecordSchema {
    struct Migration: Sendable {
        var identifier: String
        var sql: String
        /// Runs after `sql`, in the same transaction: for what SQL alone cannot do (v3 seals
        /// the sessions closed before it into the hash chain).
        var after: (@Sendable (SQLiteConnection) throws -> Void)? = nil
    }

    static let migrations: [Migration] = [
        Migration(identifier: "v1", sql: v1),
        Migration(identifier: "v2-clients", sql: v2Clients),
        Migration(identifier: "v3-notes-chain-trace", sql: v3NotesChainTrace, after: RecordChain.sealUnchainedSessions),
    ]

    /// GRDB's own definition of the table, so a file created here is one GRDB reads too.
    static let createMigrationsTable =
        "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)"

    /// One row per treatment session. The CHECK keeps a row either open (no end time, no
    /// end reason) or closed (both), whoever writes it. The trigger makes closed rows
    /// immutable in the file itself, not only through `TreatmentRecordStore.update`. The
    /// index serves the per-area queries of the interval guard and `needlectl plan`.
    static let v1 = """
        CREATE TABLE treatment_session (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at_ms INTEGER NOT NULL,
            ended_at_ms INTEGER,
            updated_at_ms INTEGER NOT NULL,
            mode TEXT NOT NULL,
            area TEXT,
            target_depth_mm REAL NOT NULL,
            depth_min_mm REAL,
            depth_mean_mm REAL,
            depth_max_mm REAL,
            speed_level INTEGER NOT NULL,
            mean_stroke_rate_hz REAL,
            strokes INTEGER NOT NULL,
            motor_on_s REAL NOT NULL,
            end_reason TEXT,
            cartridge_serial TEXT,
            cartridge_lot TEXT,
            override INTEGER NOT NULL CHECK (override IN (0, 1)),
            peer_uid INTEGER,
            CHECK ((ended_at_ms IS NULL) = (end_reason IS NULL))
        );
        CREATE INDEX treatment_session_area_started ON treatment_session (area, started_at_ms);
        CREATE TRIGGER treatment_session_closed_is_immutable
        BEFORE UPDATE ON treatment_session
        WHEN OLD.end_reason IS NOT NULL
        BEGIN
            SELECT RAISE(ABORT, 'closed treatment sessions are immutable');
        END;
        """
}

extension RecordSchema {
    /// Issue 12: whom a session treated (the clinic's pseudonymous reference; null at home
    /// and in every row written before it) and which backend wrote it (`simulated` or
    /// `linux`; null before). The indexes serve the per-client interval guard and `plan`,
    /// and the cartridge-reuse check by serial. Rows of v1 files stay as they were.
    static let v2Clients = """
        ALTER TABLE treatment_session ADD COLUMN client TEXT;
        ALTER TABLE treatment_session ADD COLUMN backend TEXT;
        CREATE INDEX treatment_session_client_area_started ON treatment_session (client, area, started_at_ms);
        CREATE INDEX treatment_session_cartridge ON treatment_session (cartridge_serial);
        """
}

extension RecordSchema {
    /// Issue 12: follow-up notes and adverse events, the tamper-evident hash chain, and the
    /// session's depth and stroke-rate trace.
    /// - `session_note`: one row per note, appended and never changed (the triggers refuse
    ///   UPDATE and DELETE, as for closed sessions).
    /// - `record_chain`: one entry per closed session and per note, in the order they were
    ///   closed or added; `hash` is SHA-256 over the row's content and the previous entry's
    ///   hash (see `RecordChain`). Entries are never changed either.
    /// - `session_trace`: the trace of a closed session, written in the close's transaction,
    ///   as text (see `RecordedTrace`): readable with the sqlite3 shell, no BLOBs needed.
    /// Sessions closed before v3 are sealed into the chain, oldest first, by the migration.
    static let v3NotesChainTrace = """
        CREATE TABLE session_note (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL REFERENCES treatment_session (id),
            recorded_at_ms INTEGER NOT NULL,
            event TEXT NOT NULL,
            text TEXT,
            peer_uid INTEGER
        );
        CREATE INDEX session_note_session ON session_note (session_id);
        CREATE TRIGGER session_note_is_immutable BEFORE UPDATE ON session_note
        BEGIN SELECT RAISE(ABORT, 'notes are never edited, only added'); END;
        CREATE TRIGGER session_note_is_kept BEFORE DELETE ON session_note
        BEGIN SELECT RAISE(ABORT, 'notes are never deleted'); END;
        CREATE TABLE record_chain (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('session', 'note')),
            row_id INTEGER NOT NULL,
            hash TEXT NOT NULL,
            UNIQUE (kind, row_id)
        );
        CREATE TRIGGER record_chain_is_immutable BEFORE UPDATE ON record_chain
        BEGIN SELECT RAISE(ABORT, 'the hash chain is never edited'); END;
        CREATE TRIGGER record_chain_is_kept BEFORE DELETE ON record_chain
        BEGIN SELECT RAISE(ABORT, 'the hash chain is never deleted from'); END;
        CREATE TABLE session_trace (
            session_id INTEGER PRIMARY KEY REFERENCES treatment_session (id),
            samples INTEGER NOT NULL,
            t_ms TEXT NOT NULL,
            depth_um TEXT NOT NULL,
            stroke_rate_dhz TEXT NOT NULL
        );
        CREATE TRIGGER session_trace_is_immutable BEFORE UPDATE ON session_trace
        BEGIN SELECT RAISE(ABORT, 'a closed session''s trace is immutable'); END;
        """
}

extension RecordSchema {
    /// The identifiers recorded in the file, in the order they were applied; none for a
    /// file that has no migrations table yet (a new file).
    static func appliedIdentifiers(_ db: SQLiteConnection) throws -> [String] {
        let hasTable = try db.fetchOne(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'") { _ in true } ?? false
        guard hasTable else { return [] }
        return try db.fetchAll("SELECT identifier FROM grdb_migrations ORDER BY rowid") { row in
            try row.value("identifier") as String
        }
    }

    /// Brings the file up to date in one write transaction: either every missing migration
    /// is applied and recorded, or the file is left as it was. A file that records an
    /// identifier this build does not know was written by a newer needled and is refused
    /// before anything is written. `migrations` is a parameter for the tests only.
    static func migrate(_ db: SQLiteConnection, path: String, migrations: [Migration] = migrations) throws {
        try db.transaction(.immediate) {
            let applied = try appliedIdentifiers(db)
            let known = migrations.map(\.identifier)
            let unknown = applied.filter { !known.contains($0) }
            guard unknown.isEmpty else {
                throw RecordStoreError.schemaTooNew(path: path, unknownMigrations: unknown.sorted())
            }
            try db.executeScript(createMigrationsTable)
            for migration in migrations where !applied.contains(migration.identifier) {
                try db.executeScript(migration.sql)
                try migration.after?(db)
                try db.execute("INSERT INTO grdb_migrations (identifier) VALUES (?)", [.text(migration.identifier)])
            }
        }
    }
}
