#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one JSON encoder/decoder configuration of the wire: compact, sorted keys (deterministic
/// output), no escaped slashes. Fresh coders per call: they are cheap and this keeps the
/// functions free of shared mutable state.
public enum WireCoding {
    /// Encodes `value` as one compact JSON document (no trailing newline).
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Encodes `value` followed by the line terminator, ready to write to the socket.
    public static func encodeLine(_ value: some Encodable) throws -> [UInt8] {
        var bytes = try encode(value)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
