import GRDB

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
            var inserted = record
            try inserted.insert(db)
            return db.lastInsertedRowID
        }
    }

    /// Writes progress into an open session, or closes it (end time and end reason set
    /// together). The row must exist and still be open: a closed row is history, and a
    /// late or repeated write must not rewrite how a session ended.
    public func update(_ record: TreatmentRecord) throws(RecordStoreError) {
        guard let id = record.id else { throw .missingID }
        guard (record.endedAtMs == nil) == (record.endReason == nil) else {
            throw .inconsistentEnd(id: id, endedAtMs: record.endedAtMs, endReason: record.endReason)
        }
        try write("update session \(id)") { db in
            guard let stored = try TreatmentRecord.fetchOne(db, key: id) else {
                throw RecordStoreError.noSuchSession(id: id)
            }
            if let endReason = stored.endReason {
                throw RecordStoreError.sessionClosed(id: id, endReason: endReason)
            }
            try record.update(db)
        }
    }

    /// Closes every open session as "interrupted", ended at its last progress write, and
    /// returns them as closed (oldest first). The daemon calls this at start-up: a
    /// session still open then belongs to a daemon that was killed or lost power, and
    /// nothing is known about it after its last write. All rows close in one transaction.
    public func closeInterrupted() throws(RecordStoreError) -> [TreatmentRecord] {
        try write("close interrupted sessions") { db in
            let open = try TreatmentRecord
                .filter(TreatmentRecord.SessionColumns.endReason == nil)
                .order(TreatmentRecord.SessionColumns.startedAtMs, TreatmentRecord.SessionColumns.id)
                .fetchAll(db)
            var closed: [TreatmentRecord] = []
            for var record in open {
                record.endedAtMs = record.updatedAtMs
                record.endReason = Self.interruptedEndReason
                try record.update(db)
                closed.append(record)
            }
            return closed
        }
    }
}
