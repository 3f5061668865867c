/// A refusal as carried in an error reply: `{"code":"…","message":"…"}`.
public struct ProtocolError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    public var code: ErrorCode
    /// Human-readable; names the offending field and the allowed range where there is one.
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    static func invalid(_ message: String) -> ProtocolError {
        ProtocolError(.invalidRequest, message)
    }
}
