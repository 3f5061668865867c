/// Follow-up notes and adverse events: appended to a session, sealed into the hash chain in
/// the same transaction, never edited.
extension TreatmentRecordStore {
    /// Adds `note` (its id must be nil) and returns it as stored, with its id and chain hash.
    /// The session must exist (`noSuchSession` otherwise).
    public func addNote(_ note: SessionNote) throws(RecordStoreError) -> (note: SessionNote, hash: String) {
        try write("add a note to session \(note.sessionID)") { db in
            guard try db.fetchOne("SELECT 1 FROM treatment_session WHERE id = ?", [.integer(note.sessionID)], { _ in true }) != nil
            else { throw RecordStoreError.noSuchSession(id: note.sessionID) }
            try db.execute(
                "INSERT INTO session_note (session_id, recorded_at_ms, event, text, peer_uid) VALUES (?, ?, ?, ?, ?)",
                [.integer(note.sessionID), .integer(note.recordedAtMs), .text(note.event), SQLiteValue(note.text),
                 SQLiteValue(note.peerUID)])
            var stored = note
            stored.id = db.lastInsertRowID
            let hash = try RecordChain.append(.note, rowID: db.lastInsertRowID, content: RecordChain.content(stored.chainFields), db)
            return (stored, hash)
        }
    }

    /// The notes of the given sessions, oldest first, by session id.
    public func notes(sessionIDs: [Int64]) throws(RecordStoreError) -> [Int64: [SessionNote]] {
        guard !sessionIDs.isEmpty else { return [:] }
        return try read("read notes") { db in
            var bySession: [Int64: [SessionNote]] = [:]
            // In slices, well under SQLite's limit of bound parameters.
            var start = 0
            while start < sessionIDs.count {
                let slice = Array(sessionIDs[start..<min(start + 500, sessionIDs.count)])
                let marks = slice.map { _ in "?" }.joined(separator: ", ")
                for note in try db.fetchAll(
                    SessionNote.selectSQL + " WHERE session_id IN (\(marks)) ORDER BY id", slice.map { .integer($0) },
                    SessionNote.init(row:))
                {
                    bySession[note.sessionID, default: []].append(note)
                }
                start += 500
            }
            return bySession
        }
    }

    /// Checks the whole hash chain (see `RecordChain`): the first row that does not match,
    /// if any, and the head hash.
    public func verifyChain() throws(RecordStoreError) -> ChainVerdict {
        try read("verify the hash chain") { db in try RecordChain.verify(db) }
    }

    /// A closed session's stored trace; nil if it has none (closed as interrupted, or
    /// recorded before traces were kept).
    public func trace(sessionID: Int64) throws(RecordStoreError) -> RecordedTrace? {
        try read("read the trace of session \(sessionID)") { db in
            try db.fetchOne(
                "SELECT samples, t_ms, depth_um, stroke_rate_dhz FROM session_trace WHERE session_id = ?",
                [.integer(sessionID)]
            ) { row -> RecordedTrace? in
                RecordedTrace(
                    samples: try row.value("samples"), time: try row.value("t_ms"), depth: try row.value("depth_um"),
                    rate: try row.value("stroke_rate_dhz"))
            } ?? nil
        }
    }

    /// One session by its id, or nil.
    public func session(id: Int64) throws(RecordStoreError) -> TreatmentRecord? {
        try read("read session \(id)") { db in try TreatmentRecord.fetch(db, "WHERE id = ?", [.integer(id)]).first }
    }
}
