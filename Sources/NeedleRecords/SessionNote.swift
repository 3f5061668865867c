/// A follow-up note on a session: an adverse event seen after it (infection, scarring,
/// pigmentation change, …) or another observation. Notes are appended, never edited or
/// deleted (FDA's special controls ask makers to track exactly these findings).
public struct SessionNote: Sendable, Equatable {
    /// nil before the note is added (the database assigns it).
    public var id: Int64?
    public var sessionID: Int64
    /// When the note was added (Unix epoch milliseconds, UTC).
    public var recordedAtMs: Int64
    /// `infection`, `scarring`, `pigmentation`, `bleeding`, `pain` or `other` (the socket
    /// checks it; kept as text, so a row written by a newer needled still reads).
    public var event: String
    public var text: String?
    /// The uid of the control-socket client that added it.
    public var peerUID: Int?

    public init(id: Int64? = nil, sessionID: Int64, recordedAtMs: Int64, event: String, text: String?, peerUID: Int?) {
        self.id = id
        self.sessionID = sessionID
        self.recordedAtMs = recordedAtMs
        self.event = event
        self.text = text
        self.peerUID = peerUID
    }

    static let selectSQL = "SELECT id, session_id, recorded_at_ms, event, text, peer_uid FROM session_note"

    init(row: SQLiteRow) throws(SQLiteRowError) {
        self.init(
            id: try row.value("id"), sessionID: try row.value("session_id"), recordedAtMs: try row.value("recorded_at_ms"),
            event: try row.value("event"), text: try row.optional("text"), peerUID: try row.optional("peer_uid"))
    }

    /// The columns the hash chain covers, in a fixed order.
    var chainFields: [(String, SQLiteValue)] {
        [
            ("id", SQLiteValue(id)), ("session_id", .integer(sessionID)), ("recorded_at_ms", .integer(recordedAtMs)),
            ("event", .text(event)), ("text", SQLiteValue(text)), ("peer_uid", SQLiteValue(peerUID)),
        ]
    }
}
