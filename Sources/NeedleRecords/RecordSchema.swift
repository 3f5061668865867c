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
    }

    static let migrations: [Migration] = [
        Migration(identifier: "v1", sql: v1),
        Migration(identifier: "v2-clients", sql: v2Clients),
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
                try db.execute("INSERT INTO grdb_migrations (identifier) VALUES (?)", [.text(migration.identifier)])
            }
        }
    }
}
