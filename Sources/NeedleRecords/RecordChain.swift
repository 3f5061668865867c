/// The tamper-evident hash chain over the records (`record_chain`): one entry per closed
/// session and per note, in the order they were closed or added. An entry's hash is SHA-256
/// over the previous entry's hash and the row's content, so an edit of any sealed row (or
/// of its trace), a deleted row, or a removed entry shows as the first entry that no longer
/// matches. The chain is unkeyed: whoever rewrites a row *and* every hash after it defeats
/// it, which is why `verify` also gives the head hash, for the clinic to note down or keep
/// with a backup.
enum RecordChain {
    /// The "previous hash" of the first entry.
    static let genesis = String(repeating: "0", count: 64)

    enum Kind: String { case session, note }

    /// A value as the hash sees it: its type tag and an unambiguous spelling (text is
    /// length-prefixed, so no text can pass for another field or a null).
    static func spell(_ value: SQLiteValue) -> String {
        switch value {
        case .null: "n"
        case .integer(let number): "i\(number)"
        case .real(let number): "r\(number)"
        case .text(let text): "s\(text.utf8.count):\(text)"
        }
    }

    static func content(_ fields: [(String, SQLiteValue)]) -> String {
        fields.map { "\($0.0)=\(spell($0.1))" }.joined(separator: "\n")
    }

    /// A session's content: every column, and its trace as stored (or none).
    static func sessionContent(_ record: TreatmentRecord, traceCanonical: String?) -> String {
        let names = TreatmentRecord.Column.allCases.map(\.rawValue)
        let values = [SQLiteValue(record.id)] + record.values
        return content(Array(zip(names, values))) + "\ntrace=" + (traceCanonical.map { "s\($0.utf8.count):\($0)" } ?? "n")
    }

    static func hash(previous: String, kind: Kind, content: String) -> String {
        SHA256.hex(previous + "\n" + kind.rawValue + "\n" + content)
    }

    /// The newest entry's hash, or `genesis` for an empty chain.
    static func head(_ db: SQLiteConnection) throws -> String {
        try db.fetchOne("SELECT hash FROM record_chain ORDER BY seq DESC LIMIT 1") { row in
            try row.value("hash") as String
        } ?? genesis
    }

    /// Appends the entry of one row; call inside the write transaction that closed or added it.
    @discardableResult
    static func append(_ kind: Kind, rowID: Int64, content: String, _ db: SQLiteConnection) throws -> String {
        let hash = hash(previous: try head(db), kind: kind, content: content)
        try db.execute(
            "INSERT INTO record_chain (kind, row_id, hash) VALUES (?, ?, ?)",
            [.text(kind.rawValue), .integer(rowID), .text(hash)])
        return hash
    }

    /// A stored trace as the hash covers it, straight from its columns.
    static func storedTraceCanonical(sessionID: Int64, _ db: SQLiteConnection) throws -> String? {
        try db.fetchOne(
            "SELECT samples, t_ms, depth_um, stroke_rate_dhz FROM session_trace WHERE session_id = ?", [.integer(sessionID)]
        ) { row in
            "\(try row.value("samples") as Int64);\(try row.value("t_ms") as String);"
                + "\(try row.value("depth_um") as String);\(try row.value("stroke_rate_dhz") as String)"
        }
    }

    /// Seals every closed session that has no entry yet, oldest first: run once, by the v3
    /// migration, for the sessions closed before the chain existed.
    static func sealUnchainedSessions(_ db: SQLiteConnection) throws {
        let unsealed = try TreatmentRecord.fetch(
            db,
            "WHERE end_reason IS NOT NULL AND id NOT IN (SELECT row_id FROM record_chain WHERE kind = 'session') ORDER BY id")
        for record in unsealed {
            guard let id = record.id else { continue }
            try append(.session, rowID: id, content: sessionContent(record, traceCanonical: nil), db)
        }
    }

    /// Walks the whole chain in one read snapshot and returns the first entry that does not
    /// match, if any.
    static func verify(_ db: SQLiteConnection) throws -> ChainVerdict {
        let statement = try db.prepare("SELECT seq, kind, row_id, hash FROM record_chain ORDER BY seq")
        var previous = genesis
        var entries = 0
        while try statement.step() {
            let row = SQLiteRow(statement: statement)
            let kindText: String = try row.value("kind")
            let rowID: Int64 = try row.value("row_id")
            let stored: String = try row.value("hash")
            let kind = Kind(rawValue: kindText) ?? .session
            guard let content = try currentContent(kind, rowID: rowID, db) else {
                return ChainVerdict(entries: entries, head: previous, firstMismatch: ChainMismatch(
                    kind: kindText, id: rowID, reason: "the \(kindText) is no longer in the file"))
            }
            let computed = hash(previous: previous, kind: kind, content: content)
            guard computed == stored else {
                return ChainVerdict(entries: entries, head: previous, firstMismatch: ChainMismatch(
                    kind: kindText, id: rowID, reason: "its content does not match the hash sealed when it was recorded"))
            }
            previous = stored
            entries += 1
        }
        // A closed session or a note with no entry was added or closed behind needled's back
        // (or its entry was removed).
        if let id = try db.fetchOne(
            "SELECT id FROM treatment_session WHERE end_reason IS NOT NULL AND id NOT IN (SELECT row_id FROM record_chain WHERE kind = 'session') ORDER BY id LIMIT 1",
            [], { row in try row.value("id") as Int64 })
        {
            return ChainVerdict(entries: entries, head: previous, firstMismatch: ChainMismatch(
                kind: "session", id: id, reason: "it is closed but was never sealed into the chain"))
        }
        if let id = try db.fetchOne(
            "SELECT id FROM session_note WHERE id NOT IN (SELECT row_id FROM record_chain WHERE kind = 'note') ORDER BY id LIMIT 1",
            [], { row in try row.value("id") as Int64 })
        {
            return ChainVerdict(entries: entries, head: previous, firstMismatch: ChainMismatch(
                kind: "note", id: id, reason: "it was never sealed into the chain"))
        }
        return ChainVerdict(entries: entries, head: previous, firstMismatch: nil)
    }

    /// What the row holds now, as the hash covers it; nil if it is gone (or a session that
    /// reads open again).
    private static func currentContent(_ kind: Kind, rowID: Int64, _ db: SQLiteConnection) throws -> String? {
        switch kind {
        case .session:
            guard let record = try TreatmentRecord.fetch(db, "WHERE id = ?", [.integer(rowID)]).first, record.isClosed
            else { return nil }
            return sessionContent(record, traceCanonical: try storedTraceCanonical(sessionID: rowID, db))
        case .note:
            guard let note = try db.fetchOne(SessionNote.selectSQL + " WHERE id = ?", [.integer(rowID)], SessionNote.init(row:))
            else { return nil }
            return content(note.chainFields)
        }
    }
}

/// What `verify` found: how many entries matched, the hash of the last one that did, and
/// the first that did not (nil: the chain is intact).
public struct ChainVerdict: Sendable, Equatable {
    public var entries: Int
    public var head: String
    public var firstMismatch: ChainMismatch?

    public var intact: Bool { firstMismatch == nil }
}

/// The first row that breaks the chain: `kind` is "session" or "note", `id` its number.
public struct ChainMismatch: Sendable, Equatable {
    public var kind: String
    public var id: Int64
    public var reason: String

    public var description: String { "\(kind) \(id): \(reason)" }
}
