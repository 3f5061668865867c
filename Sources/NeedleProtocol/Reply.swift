/// A reply line: `{"id":1,"ok":true,"result":{…}}` or
/// `{"id":1,"ok":false,"error":{"code":"…","message":"…"}}`. `id` is always present (null when
/// the request had none or could not be read).
public struct Reply: Sendable, Hashable, Codable {
    public enum Outcome: Sendable, Hashable {
        case success(ResultPayload)
        case failure(ProtocolError)
    }

    public var id: Int64?
    public var outcome: Outcome

    public init(id: Int64?, outcome: Outcome) {
        self.id = id
        self.outcome = outcome
    }

    public init(id: Int64?, result: ResultPayload) { self.init(id: id, outcome: .success(result)) }
    public init(id: Int64?, failure: ProtocolError) { self.init(id: id, outcome: .failure(failure)) }

    public var isOK: Bool {
        if case .success = outcome { true } else { false }
    }

    enum CodingKeys: String, CodingKey { case id, ok, result, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(Int64.self, forKey: .id)
        if try container.decode(Bool.self, forKey: .ok) {
            outcome = .success(try container.decodeIfPresent(ResultPayload.self, forKey: .result) ?? .empty)
        } else {
            outcome = .failure(try container.decode(ProtocolError.self, forKey: .error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeNullable(id, forKey: .id)
        switch outcome {
        case .success(let payload):
            try container.encode(true, forKey: .ok)
            try container.encode(payload, forKey: .result)
        case .failure(let error):
            try container.encode(false, forKey: .ok)
            try container.encode(error, forKey: .error)
        }
    }
}

/// The `result` of a successful reply.
public enum ResultPayload: Sendable, Hashable, Codable {
    /// `{}` — the command was done and has nothing to report.
    case empty
    /// The pen's status (for `status`, and for commands that report the state they left).
    case status(StatusResult)
    /// `{"message":"…"}` — a human-readable confirmation.
    case message(String)
    /// Any other object, for results without a dedicated type.
    case json(JSONValue)

    enum MessageKeys: String, CodingKey { case message }

    /// Decodes the most specific case the object matches: `{}`, a single `message`, a full
    /// status, else the raw JSON.
    public init(from decoder: any Decoder) throws {
        let raw = try JSONValue(from: decoder)
        switch raw {
        case .object(let fields) where fields.isEmpty:
            self = .empty
        case .object(let fields) where fields.count == 1:
            if case .string(let text)? = fields["message"] { self = .message(text) } else { self = .json(raw) }
        case .object:
            if let status = try? StatusResult(from: decoder) { self = .status(status) } else { self = .json(raw) }
        default:
            self = .json(raw)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .empty:
            _ = encoder.container(keyedBy: MessageKeys.self)
        case .status(let status):
            try status.encode(to: encoder)
        case .message(let text):
            var container = encoder.container(keyedBy: MessageKeys.self)
            try container.encode(text, forKey: .message)
        case .json(let value):
            try value.encode(to: encoder)
        }
    }
}
