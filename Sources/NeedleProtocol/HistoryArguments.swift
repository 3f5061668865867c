/// Arguments of `history`: `{"area": "forehead", "since_s": 1795651200}`, both optional.
/// `since_s` is Unix seconds (the CLI turns `--since 2026-11-01` into it).
public struct HistoryArguments: Sendable, Hashable {
    public let area: String?
    public let sinceS: Int64?
    /// Only this client's sessions.
    public let client: String?

    /// At most this many sessions a reply (`limit`); fewer when not asked for more. A page of
    /// 100 sessions with their notes stays well under the socket's 256 KiB reply cap.
    public static let maxPage = 100
    /// Sessions per reply; the reply's `next_before` (or `next_after`) asks for the next page.
    public let limit: Int
    /// Only sessions with an id below this: the page before one already read (newest first).
    public let before: Int64?
    /// Only sessions with an id above this, oldest first (how `export` streams every row).
    public let after: Int64?

    public init(
        area: String? = nil, sinceS: Int64? = nil, client: String? = nil, limit: Int = HistoryArguments.maxPage,
        before: Int64? = nil, after: Int64? = nil
    ) throws(ProtocolError) {
        var fields: [String: JSONValue] = ["limit": .integer(Int64(limit))]
        if let client { fields["client"] = .string(client) }
        if let area { fields["area"] = .string(area) }
        if let sinceS { fields["since_s"] = .integer(sinceS) }
        if let before { fields["before"] = .integer(before) }
        if let after { fields["after"] = .integer(after) }
        var reader = ArgumentReader(command: "history", args: fields)
        self = try Self(reading: &reader)
        try reader.finish()
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        area = try reader.optionalString("area", maxLength: ArmArguments.maxAreaLength)
        // From the epoch to the year 9999: a date a person could have meant.
        sinceS = try reader.optionalInteger("since_s", in: 0...253_402_300_799).map { Int64($0) }
        client = try ClientReference.read("client", command: "history", from: &reader)
        limit = try reader.optionalInteger("limit", in: 1...Self.maxPage) ?? Self.maxPage
        before = try reader.optionalInteger("before", in: 1...Int.max).map { Int64($0) }
        after = try reader.optionalInteger("after", in: 0...Int.max).map { Int64($0) }
        if before != nil && after != nil { throw .invalid("history: give before or after, not both") }
    }

    var arguments: [String: JSONValue] {
        var fields: [String: JSONValue] = ["limit": .integer(Int64(limit))]
        if let client { fields["client"] = .string(client) }
        if let area { fields["area"] = .string(area) }
        if let sinceS { fields["since_s"] = .integer(sinceS) }
        if let before { fields["before"] = .integer(before) }
        if let after { fields["after"] = .integer(after) }
        return fields
    }
}

/// Arguments of `note`: `{"session": N, "event": "infection", "text": "…"}` — a follow-up
/// row appended to a session (adverse events FDA's special controls ask to be tracked).
public struct NoteArguments: Sendable, Hashable {
    public enum Event: String, Sendable, CaseIterable, Hashable {
        case infection, scarring, pigmentation, bleeding, pain, other
    }

    /// Free text is bounded: a note is a finding, not a file (and records are health data).
    public static let maxTextLength = 500

    public let session: Int64
    public let event: Event
    public let text: String?

    public init(session: Int64, event: Event, text: String? = nil) throws(ProtocolError) {
        var fields: [String: JSONValue] = ["session": .integer(session), "event": .string(event.rawValue)]
        if let text { fields["text"] = .string(text) }
        var reader = ArgumentReader(command: "note", args: fields)
        self = try Self(reading: &reader)
        try reader.finish()
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        guard let id = try reader.optionalInteger("session", in: 1...Int.max) else {
            throw .invalid("note: session is required (a session number from history)")
        }
        session = Int64(id)
        event = try reader.requiredEnum("event", Event.self)
        text = try reader.optionalString("text", maxLength: Self.maxTextLength)
    }

    var arguments: [String: JSONValue] {
        var fields: [String: JSONValue] = ["session": .integer(session), "event": .string(event.rawValue)]
        if let text { fields["text"] = .string(text) }
        return fields
    }
}

/// Arguments of `backup`: `{}` makes a consistent copy of the records and returns its first
/// chunk and a token; `{"token": T, "offset": N}` returns the chunk at N of that copy. The
/// daemon may write only its state directory, so the copy travels over the socket.
public struct BackupArguments: Sendable, Hashable {
    /// Bytes of the copy per reply, base64 in the reply: well under the 256 KiB reply cap.
    public static let chunkBytes = 96 * 1024

    public let token: Int64?
    public let offset: Int64

    public init(token: Int64? = nil, offset: Int64 = 0) throws(ProtocolError) {
        var fields: [String: JSONValue] = ["offset": .integer(offset)]
        if let token { fields["token"] = .integer(token) }
        var reader = ArgumentReader(command: "backup", args: fields)
        self = try Self(reading: &reader)
        try reader.finish()
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        token = try reader.optionalInteger("token", in: 1...Int.max).map { Int64($0) }
        offset = try reader.optionalInteger("offset", in: 0...Int.max).map { Int64($0) } ?? 0
        if token == nil && offset != 0 { throw .invalid("backup: an offset needs the token of the copy it reads") }
    }

    var arguments: [String: JSONValue] {
        var fields: [String: JSONValue] = ["offset": .integer(offset)]
        if let token { fields["token"] = .integer(token) }
        return fields
    }
}

/// Arguments of `session`: `{"id": N}`, a record's id as `history` gives it.
public struct SessionArguments: Sendable, Hashable {
    public let id: Int64

    public init(id: Int64) throws(ProtocolError) {
        var reader = ArgumentReader(command: "session", args: ["id": .integer(id)])
        self = try Self(reading: &reader)
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        guard let id = try reader.optionalInteger("id", in: 1...Int.max) else {
            throw .invalid("session: id is required (a session number from history)")
        }
        self.id = Int64(id)
    }

    var arguments: [String: JSONValue] { ["id": .integer(id)] }
}

/// Arguments of `plan`: `{"client": "C-17"}`, optional: that client's course.
public struct PlanArguments: Sendable, Hashable {
    public let client: String?

    public init(client: String? = nil) throws(ProtocolError) {
        var reader = ArgumentReader(command: "plan", args: client.map { ["client": .string($0)] } ?? [:])
        self = try Self(reading: &reader)
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        client = try ClientReference.read("client", command: "plan", from: &reader)
    }

    var arguments: [String: JSONValue] { client.map { ["client": .string($0)] } ?? [:] }
}
