/// A line pushed by the daemon without a request: `{"event":"telemetry","data":{…status…}}`.
public enum Event: Sendable, Hashable, Codable {
    case telemetry(StatusResult)

    enum CodingKeys: String, CodingKey { case event, data }
    enum Kind: String, Codable { case telemetry }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .event) {
        case .telemetry: self = .telemetry(try container.decode(StatusResult.self, forKey: .data))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .telemetry(let status):
            try container.encode(Kind.telemetry, forKey: .event)
            try container.encode(status, forKey: .data)
        }
    }
}

/// Any line a client can receive: a reply to one of its requests, or an event of a `watch`.
public enum ServerMessage: Sendable, Hashable, Decodable {
    case reply(Reply)
    case event(Event)

    enum Keys: String, CodingKey { case event }

    public init(from decoder: any Decoder) throws {
        if try decoder.container(keyedBy: Keys.self).contains(.event) {
            self = .event(try Event(from: decoder))
        } else {
            self = .reply(try Reply(from: decoder))
        }
    }
}
