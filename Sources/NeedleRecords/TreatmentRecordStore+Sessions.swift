/// Writing sessions: open one row when the motor first starts, update it with progress
/// and finally its end, and at start-up close the rows a killed daemon left open.
extension TreatmentRecordStore {
    /// The end reason given to sessions the daemon never closed.
    public static let interruptedEndReason = "interrupted"

    /// Inserts a session that has just started and returns its id, which `update` needs.
    /// The record must be open (no end reason, no end time) and have no id yet: a
    /// finished session is still opened first, so every session's start is on disk before
    /// anything else can go wrong.
    public func open(_ record: TreatmentRecord) throws(RecordStoreError) -> Int64 {
        if let id = record.id { throw .openSessionHasID(id) }
        guard record.endReason == nil, record.endedAtMs == nil else {
            throw .openSessionHasEnd(endReason: record.endReason, endedAtMs: record.endedAtMs)
        }
        return try write("open a session") { db in
            try db.execute(TreatmentRecord.insertSQL, record.values)
            return db.lastInsertRowID
        }
    }

    /// Writes progress into an open session, or closes it (end time and end reason set
    /// together). The row must exist and still be open: a closed row is history, and a
    /// late or repeated write must not rewrite how a session ended. A close writes `trace`
    /// with the row and seals both into the hash chain, in one transaction.
    public func update(_ record: TreatmentRecord, trace: RecordedTrace? = nil) throws(RecordStoreError) {
        guard let id = record.id else { throw .missingID }
        guard (record.endedAtMs == nil) == (record.endReason == nil) else {
            throw .inconsistentEnd(id: id, endedAtMs: record.endedAtMs, endReason: record.endReason)
        }
        try write("update session \(id)") { db in
            guard let stored = try TreatmentRecord.fetch(db, "WHERE id = ?", [.integer(id)]).first else {
                throw RecordStoreError.noSuchSession(id: id)
            }
            if let endReason = stored.endReason {
                throw RecordStoreError.sessionClosed(id: id, endReason: endReason)
            }
            try Self.rewrite(record, id: id, in: db)
            if record.isClosed { try Self.seal(record, id: id, trace: trace, in: db) }
        }
    }

    /// Closes every open session as "interrupted", ended at its last progress write, and
    /// returns them as closed (oldest first). The daemon calls this at start-up: a
    /// session still open then belongs to a daemon that was killed or lost power, and
    /// nothing is known about it after its last write. All rows close in one transaction.
    public func closeInterrupted() throws(RecordStoreError) -> [TreatmentRecord] {
        try write("close interrupted sessions") { db in
            let open = try TreatmentRecord.fetch(db, "WHERE end_reason IS NULL ORDER BY started_at_ms, id")
            var closed: [TreatmentRecord] = []
            for var record in open {
                record.endedAtMs = record.updatedAtMs
                record.endReason = Self.interruptedEndReason
                if let id = record.id {
                    try Self.rewrite(record, id: id, in: db)
                    try Self.seal(record, id: id, trace: nil, in: db)
                }
                closed.append(record)
            }
            return closed
        }
    }

    /// Stores a closing session's trace and appends its chain entry (inside the close's
    /// write transaction). The entry covers the row as stored and the trace as stored.
    private static func seal(_ record: TreatmentRecord, id: Int64, trace: RecordedTrace?, in db: SQLiteConnection) throws {
        if let trace {
            try db.execute(
                "INSERT INTO session_trace (session_id, samples, t_ms, depth_um, stroke_rate_dhz) VALUES (?, ?, ?, ?, ?)",
                [.integer(id), .integer(Int64(trace.count)), .text(trace.timeText), .text(trace.depthText), .text(trace.rateText)])
        }
        var stored = record
        stored.id = id
        try RecordChain.append(
            .session, rowID: id,
            content: RecordChain.sessionContent(stored, traceCanonical: try RecordChain.storedTraceCanonical(sessionID: id, db)),
            db)
    }

    /// Writes every column of row `id` from `record`.
    private static func rewrite(_ record: TreatmentRecord, id: Int64, in db: SQLiteConnection) throws {
        try db.execute(TreatmentRecord.updateSQL, record.values + [.integer(id)])
    }
}
