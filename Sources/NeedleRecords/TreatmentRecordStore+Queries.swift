/// Reading the history back: for `needlectl`, and for the interval guard, which must
/// know when an area was last treated before it lets a new session start.
extension TreatmentRecordStore {
    /// Sessions, open and closed, in the order they started (ties by id), optionally only
    /// those of one area and those that started at or after `sinceMs`.
    public func history(area: String? = nil, sinceMs: Int64? = nil) throws(RecordStoreError) -> [TreatmentRecord] {
        var conditions: [String] = []
        var arguments: [SQLiteValue] = []
        if let area {
            conditions.append("area = ?")
            arguments.append(.text(area))
        }
        if let sinceMs {
            conditions.append("started_at_ms >= ?")
            arguments.append(.integer(sinceMs))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") + " "
        return try read("read history") { db in
            try TreatmentRecord.fetch(db, filter + "ORDER BY started_at_ms, id", arguments)
        }
    }

    /// When the last session on `area` started, whatever its end reason; nil if the area
    /// was never treated.
    public func lastStartMs(area: String) throws(RecordStoreError) -> Int64? {
        try read("read last start of \(area)") { db in
            try db.fetchOne("SELECT MAX(started_at_ms) AS last FROM treatment_session WHERE area = ?", [.text(area)]) {
                row in try row.optional("last") as Int64?
            } ?? nil
        }
    }

    /// When the newest session of any area (or of none) started; nil without records. A
    /// calendar clock earlier than this is not set (the interval guard refuses on it).
    public func newestStartMs() throws(RecordStoreError) -> Int64? {
        try read("read the newest session start") { db in
            try db.fetchOne("SELECT MAX(started_at_ms) AS newest FROM treatment_session") { row in
                try row.optional("newest") as Int64?
            } ?? nil
        }
    }

    /// One summary per treated area, by area name. Sessions armed by depth only (no area)
    /// are not counted anywhere here.
    public func sessionsByArea() throws(RecordStoreError) -> [AreaSummary] {
        try read("summarize sessions by area") { db in
            try db.fetchAll(
                """
                SELECT area, COUNT(*) AS sessions,
                       MIN(started_at_ms) AS first_start_ms, MAX(started_at_ms) AS last_start_ms
                FROM treatment_session
                WHERE area IS NOT NULL
                GROUP BY area
                ORDER BY area
                """
            ) { row in
                AreaSummary(
                    area: try row.value("area"),
                    sessions: try row.value("sessions"),
                    firstStartMs: try row.value("first_start_ms"),
                    lastStartMs: try row.value("last_start_ms"))
            }
        }
    }
}
