import GRDB

/// Reading the history back: for `needlectl`, and for the interval guard, which must
/// know when an area was last treated before it lets a new session start.
extension TreatmentRecordStore {
    /// Sessions, open and closed, in the order they started (ties by id), optionally only
    /// those of one area and those that started at or after `sinceMs`.
    public func history(area: String? = nil, sinceMs: Int64? = nil) throws(RecordStoreError) -> [TreatmentRecord] {
        var request = TreatmentRecord.all()
        if let area {
            request = request.filter(TreatmentRecord.SessionColumns.area == area)
        }
        if let sinceMs {
            request = request.filter(TreatmentRecord.SessionColumns.startedAtMs >= sinceMs)
        }
        request = request.order(TreatmentRecord.SessionColumns.startedAtMs, TreatmentRecord.SessionColumns.id)
        return try read("read history") { db in try request.fetchAll(db) }
    }

    /// When the last session on `area` started, whatever its end reason; nil if the area
    /// was never treated.
    public func lastStartMs(area: String) throws(RecordStoreError) -> Int64? {
        try read("read last start of \(area)") { db in
            try Int64.fetchOne(
                db, sql: "SELECT MAX(started_at_ms) FROM treatment_session WHERE area = ?",
                arguments: [area])
        }
    }

    /// When the newest session of any area (or of none) started; nil without records. A
    /// calendar clock earlier than this is not set (the interval guard refuses on it).
    public func newestStartMs() throws(RecordStoreError) -> Int64? {
        try read("read the newest session start") { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(started_at_ms) FROM treatment_session")
        }
    }

    /// One summary per treated area, by area name. Sessions armed by depth only (no area)
    /// are not counted anywhere here.
    public func sessionsByArea() throws(RecordStoreError) -> [AreaSummary] {
        try read("summarize sessions by area") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT area, COUNT(*) AS sessions,
                           MIN(started_at_ms) AS first_start_ms, MAX(started_at_ms) AS last_start_ms
                    FROM treatment_session
                    WHERE area IS NOT NULL
                    GROUP BY area
                    ORDER BY area
                    """)
            return try rows.map { row in
                AreaSummary(
                    area: try row.decode(forColumn: "area"),
                    sessions: try row.decode(forColumn: "sessions"),
                    firstStartMs: try row.decode(forColumn: "first_start_ms"),
                    lastStartMs: try row.decode(forColumn: "last_start_ms"))
            }
        }
    }
}
