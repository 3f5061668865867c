/// A request line: `{"id":1,"cmd":"status","args":{}}`.
///
/// `id` is an optional integer echoed in the reply (null when absent); `args` an optional object.
public struct Request: Sendable, Hashable, Encodable {
    public var id: Int64?
    public var command: Command

    public init(id: Int64?, command: Command) {
        self.id = id
        self.command = command
    }

    /// Decodes and validates one line (without its newline).
    /// - Throws: `RequestDecodingError` carrying the reply to send: `invalid_request` for
    ///   invalid JSON, a non-object, a bad `id`/`cmd`/`args` or bad arguments;
    ///   `unknown_command` for an unknown `cmd`. The id is echoed whenever it could be read.
    public init(jsonLine: some Collection<UInt8>) throws(RequestDecodingError) {
        let document: JSONValue
        do {
            document = try WireCoding.decode(JSONValue.self, from: jsonLine)
        } catch {
            throw RequestDecodingError(id: nil, error: .invalid("request is not valid JSON"))
        }
        guard case .object(let envelope) = document else {
            throw RequestDecodingError(id: nil, error: .invalid("request must be a JSON object, got \(document.typeName)"))
        }
        let id: Int64?
        switch envelope["id"] {
        case nil, .null?: id = nil
        case .integer(let value)?: id = value
        case let other?:
            throw RequestDecodingError(id: nil, error: .invalid("id must be an integer or null, got \(other.typeName)"))
        }
        let unknownKeys = Set(envelope.keys).subtracting(["id", "cmd", "args"])
        guard unknownKeys.isEmpty else {
            let keys = unknownKeys.sorted().joined(separator: ", ")
            throw RequestDecodingError(id: id, error: .invalid("unknown request field \(keys) (allowed: id, cmd, args)"))
        }
        guard case .string(let name)? = envelope["cmd"] else {
            throw RequestDecodingError(id: id, error: .invalid("cmd is required (a string naming the command)"))
        }
        let arguments: [String: JSONValue]
        switch envelope["args"] {
        case nil, .null?: arguments = [:]
        case .object(let object)?: arguments = object
        case let other?:
            throw RequestDecodingError(id: id, error: .invalid("args must be an object, got \(other.typeName)"))
        }
        do {
            self.init(id: id, command: try Command(name: name, arguments: arguments))
        } catch {
            throw RequestDecodingError(id: id, error: error)
        }
    }

    enum CodingKeys: String, CodingKey { case id, cmd, args }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeNullable(id, forKey: .id)
        try container.encode(command.name.rawValue, forKey: .cmd)
        try container.encode(command.arguments, forKey: .args)
    }
}

/// Why a request line was refused before reaching the daemon's handler, with the id to echo.
public struct RequestDecodingError: Error, Sendable, Hashable {
    public var id: Int64?
    public var error: ProtocolError

    public init(id: Int64?, error: ProtocolError) {
        self.id = id
        self.error = error
    }

    /// The error reply to send for this request.
    public var reply: Reply { Reply(id: id, failure: error) }
}

extension KeyedEncodingContainer {
    /// Encodes `value`, or an explicit JSON null (never an omitted key) when it is nil.
    mutating func encodeNullable(_ value: (some Encodable)?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
