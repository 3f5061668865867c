/// A client reference: the clinic's pseudonym for the person treated, 1–32 ASCII letters,
/// digits, `-` and `_`. Records are health data, so the pen takes no names: a reference
/// with spaces, dots or anything beyond ASCII is refused `invalid_client` before it reaches
/// the core or the records.
public enum ClientReference {
    public static let maxLength = 32
    public static let rule = "1 to \(maxLength) letters, digits, - or _"

    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        return (1...maxLength).contains(bytes.count) && bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                true
            default: false
            }
        }
    }

    /// The optional `field` of a command's arguments; a bad one is `invalid_client`.
    static func read(_ field: String, command: String, from reader: inout ArgumentReader) throws(ProtocolError) -> String? {
        guard let value = reader.take(field) else { return nil }
        guard case .string(let text) = value, isValid(text) else {
            let shown: String = if case .string(let text) = value { "\"\(text.prefix(40))\"" } else { "a non-string" }
            throw ProtocolError(.invalidClient, "\(command): \(field) must be \(rule) (got \(shown)); use the clinic's reference, never a name")
        }
        return text
    }
}
