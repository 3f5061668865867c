import GRDB

/// The records file's schema, as GRDB migrations applied in order from the first release
/// on, so every later change is one more migration and a file written by any older
/// needled is brought up to date when it is opened. A migration, once shipped, is never
/// edited: its SQL is spelled out here rather than built from the record type, so a change
/// to `TreatmentRecord` cannot silently change what "v1" created on devices in the field.
enum RecordSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        return migrator
    }()

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
