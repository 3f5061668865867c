/// Arguments of `history`: `{"area": "forehead", "since_s": 1795651200}`, both optional.
/// `since_s` is Unix seconds (the CLI turns `--since 2026-11-01` into it).
public struct HistoryArguments: Sendable, Hashable {
    public let area: String?
    public let sinceS: Int64?
    /// Only this client's sessions.
    public let client: String?

    public init(area: String? = nil, sinceS: Int64? = nil, client: String? = nil) throws(ProtocolError) {
        var fields: [String: JSONValue] = [:]
        if let client { fields["client"] = .string(client) }
        if let area { fields["area"] = .string(area) }
        if let sinceS { fields["since_s"] = .integer(sinceS) }
        var reader = ArgumentReader(command: "history", args: fields)
        self = try Self(reading: &reader)
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        area = try reader.optionalString("area", maxLength: ArmArguments.maxAreaLength)
        // From the epoch to the year 9999: a date a person could have meant.
        sinceS = try reader.optionalInteger("since_s", in: 0...253_402_300_799).map { Int64($0) }
        client = try ClientReference.read("client", command: "history", from: &reader)
    }

    var arguments: [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        if let client { fields["client"] = .string(client) }
        if let area { fields["area"] = .string(area) }
        if let sinceS { fields["since_s"] = .integer(sinceS) }
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
