/// A cursor over the UTF-8 bytes of a TOML document. Everything TOML gives meaning to is
/// ASCII, so the parser works on bytes; non-ASCII bytes only ever appear inside strings and
/// comments, where they are copied whole (a Swift `String` is always valid UTF-8, so the
/// copies are too). Each step consumes at least one byte or stops, so time is linear.
struct TOMLScanner {
    let bytes: [UInt8]
    var position = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var atEnd: Bool { position >= bytes.count }
    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    func peek(_ offset: Int) -> UInt8? {
        let index = position + offset
        return index < bytes.count ? bytes[index] : nil
    }

    /// True if the bytes at the cursor spell `ascii` (does not move).
    func looksAt(_ ascii: String) -> Bool {
        var index = position
        for byte in ascii.utf8 {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
        }
        return true
    }

    mutating func skipBlanks() {
        while let byte = current, byte == .space || byte == .tab { position += 1 }
    }

    /// At LF or CRLF (a lone CR never gets this far: `checkCharacters` refuses it).
    var atNewline: Bool { current == .lf || (current == .cr && peek(1) == .lf) }

    mutating func skipNewline() {
        if current == .cr { position += 1 }
        if current == .lf { position += 1 }
    }

    /// A comment runs to the end of the line; its newline is left for the caller.
    mutating func skipComment() {
        guard current == .hash else { return }
        while let byte = current, byte != .lf, byte != .cr { position += 1 }
    }

    /// Blanks, comments and newlines: what may stand between the elements of an array.
    mutating func skipBlanksCommentsAndNewlines() {
        while true {
            skipBlanks()
            if current == .hash { skipComment() }
            guard atNewline else { return }
            skipNewline()
        }
    }

    /// TOML forbids control characters (U+0000–U+001F and U+007F) other than tab and the
    /// CRLF/LF line ends everywhere, in strings and comments alike. Checking once up front
    /// means no later step has to think about them.
    func checkCharacters() throws(ConfigError) {
        for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x7F {
            if byte == .tab || byte == .lf { continue }
            if byte == .cr {
                if index + 1 < bytes.count, bytes[index + 1] == .lf { continue }
                throw error("a carriage return not followed by a line feed", at: index)
            }
            throw error("control character U+\(Self.hex(UInt32(byte), digits: 4))", at: index,
                        rule: "TOML allows only tab, LF and CRLF")
        }
    }

    // MARK: errors

    /// A syntax error at the cursor.
    func error(_ what: String, rule: String? = nil) -> ConfigError {
        error(what, at: position, rule: rule)
    }

    /// A syntax error at a byte offset: "<what> at line L, column C (<rule>)", where the
    /// column counts characters (Unicode scalars) from 1.
    func error(_ what: String, at offset: Int, rule: String? = nil) -> ConfigError {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(max(offset, 0), bytes.count)] {
            if byte == .lf {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // not a UTF-8 continuation byte
                column += 1
            }
        }
        let message = "\(what) at line \(line), column \(column)"
        return ConfigError(.syntax, field: "", allowed: rule.map { "\(message) (\($0))" } ?? message)
    }

    /// The character at the cursor as an error message shows it.
    var describeCurrent: String { describe(at: position) }

    func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the file" }
        let byte = bytes[offset]
        if byte == .lf || byte == .cr { return "the end of the line" }
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == .space { return "a space" }
        if byte == .tab { return "a tab" }
        // Decode the one scalar starting here (at most 4 bytes).
        let end = min(offset + 4, bytes.count)
        let scalar = String(decoding: bytes[offset..<end], as: UTF8.self).unicodeScalars.first
        return "U+" + Self.hex(scalar?.value ?? UInt32(byte), digits: 4)
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let hash = UInt8(ascii: "#")
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let underscore = UInt8(ascii: "_")

    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }

    /// A bare key is ASCII letters, digits, '_' and '-'.
    var isBareKey: Bool {
        switch self {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"): true
        default: false
        }
    }
}
