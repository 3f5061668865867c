/// Reading the history back: for `needlectl`, and for the interval guard, which must
/// know when an area was last treated before it lets a new session start.
extension TreatmentRecordStore {
    /// Sessions, open and closed, in the order they started (ties by id), optionally only
    /// those of one area and those that started at or after `sinceMs`.
    ///
    /// Paged (issue 12: 2,000 sessions in one reply overran the socket's reply cap): with
    /// `limit`, at most that many sessions in id order (the order they were recorded) — the
    /// newest ones with an id below `beforeID`, or, with `afterID`, the oldest ones above it
    /// (what an export streams through). A page is always returned oldest first.
    public func history(
        area: String? = nil, sinceMs: Int64? = nil, client: String? = nil, beforeID: Int64? = nil, afterID: Int64? = nil,
        limit: Int? = nil
    ) throws(RecordStoreError) -> [TreatmentRecord] {
        var conditions: [String] = []
        var arguments: [SQLiteValue] = []
        if let client {
            conditions.append("client = ?")
            arguments.append(.text(client))
        }
        if let area {
            conditions.append("area = ?")
            arguments.append(.text(area))
        }
        if let sinceMs {
            conditions.append("started_at_ms >= ?")
            arguments.append(.integer(sinceMs))
        }
        if let beforeID {
            conditions.append("id < ?")
            arguments.append(.integer(beforeID))
        }
        if let afterID {
            conditions.append("id > ?")
            arguments.append(.integer(afterID))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") + " "
        guard let limit else {
            return try read("read history") { db in
                try TreatmentRecord.fetch(db, filter + "ORDER BY started_at_ms, id", arguments)
            }
        }
        let newestFirst = afterID == nil
        let page = try read("read a page of history") { db in
            try TreatmentRecord.fetch(
                db, filter + "ORDER BY id \(newestFirst ? "DESC" : "ASC") LIMIT ?", arguments + [.integer(Int64(max(0, limit)))])
        }
        return newestFirst ? Array(page.reversed()) : page
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

    /// When `client`'s last session on `area` started; nil if that client never had it
    /// treated. The interval guard counts these in clinical mode.
    public func lastStartMs(area: String, client: String) throws(RecordStoreError) -> Int64? {
        try read("read last start of \(area) for a client") { db in
            try db.fetchOne(
                "SELECT MAX(started_at_ms) AS last FROM treatment_session WHERE client = ? AND area = ?",
                [.text(client), .text(area)]
            ) { row in try row.optional("last") as Int64? } ?? nil
        }
    }

    /// The first session that used the cartridge `serial`, or nil if none did: a serial in
    /// the records is a used cartridge, whatever its EEPROM's marker says.
    public func firstSession(cartridgeSerial serial: String) throws(RecordStoreError) -> Int64? {
        try read("look up cartridge \(serial)") { db in
            try db.fetchOne(
                "SELECT MIN(id) AS first FROM treatment_session WHERE cartridge_serial = ?", [.text(serial)]
            ) { row in try row.optional("first") as Int64? } ?? nil
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
    /// With `client`, only that client's sessions (the course of one person).
    public func sessionsByArea(client: String? = nil) throws(RecordStoreError) -> [AreaSummary] {
        try read("summarize sessions by area") { db in
            try db.fetchAll(
                """
                SELECT area, COUNT(*) AS sessions,
                       MIN(started_at_ms) AS first_start_ms, MAX(started_at_ms) AS last_start_ms
                FROM treatment_session
                WHERE area IS NOT NULL\(client == nil ? "" : " AND client = ?")
                GROUP BY area
                ORDER BY area
                """, client.map { [SQLiteValue.text($0)] } ?? []
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
