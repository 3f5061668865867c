/// The four string forms of TOML: basic `"…"` (escapes), literal `'…'` (none), and their
/// multi-line forms `"""…"""` and `'''…'''`, whose first newline right after the opening
/// delimiter is dropped.
extension TOMLScanner {
    /// A string at the cursor (which is at a quote or an apostrophe); `allowMultiline` is
    /// false for keys, which TOML allows in the single-line forms only.
    mutating func string(allowMultiline: Bool) throws(ConfigError) -> String {
        let start = position
        if looksAt("\"\"\"") || looksAt("'''") {
            guard allowMultiline else {
                throw error("a multi-line string used as a key", rule: "keys are bare, \"quoted\" or 'quoted'")
            }
            return current == .quote ? try multilineBasic(start: start) : try multilineLiteral(start: start)
        }
        return current == .quote ? try basic(start: start) : try literal(start: start)
    }

    private mutating func basic(start: Int) throws(ConfigError) -> String {
        position += 1
        var text: [UInt8] = []
        while let byte = current {
            switch byte {
            case .quote:
                position += 1
                return String(decoding: text, as: UTF8.self)
            case .backslash:
                try escape(into: &text)
            case .lf, .cr:
                throw error("a string not closed on its line", at: start,
                            rule: "close it before the line ends, or use \"\"\"…\"\"\" for several lines")
            default:
                text.append(byte)
                position += 1
            }
        }
        throw error("an unterminated string", at: start, rule: "no closing '\"'")
    }

    private mutating func literal(start: Int) throws(ConfigError) -> String {
        position += 1
        let from = position
        while let byte = current {
            if byte == .apostrophe {
                let text = String(decoding: bytes[from..<position], as: UTF8.self)
                position += 1
                return text
            }
            if byte == .lf || byte == .cr {
                throw error("a string not closed on its line", at: start,
                            rule: "close it before the line ends, or use '''…''' for several lines")
            }
            position += 1
        }
        throw error("an unterminated string", at: start, rule: "no closing \"'\"")
    }

    private mutating func multilineBasic(start: Int) throws(ConfigError) -> String {
        position += 3
        if atNewline { skipNewline() }
        var text: [UInt8] = []
        while let byte = current {
            switch byte {
            case .quote:
                if let closing = closingQuotes(.quote) {
                    text.append(contentsOf: repeatElement(.quote, count: closing))
                    return String(decoding: text, as: UTF8.self)
                }
                text.append(byte)
                position += 1
            case .backslash:
                if lineEndingBackslash() { continue }
                try escape(into: &text)
            case .cr:
                // CRLF (a lone CR was refused up front) is stored as LF, as on every platform
                // this daemon runs on.
                position += 1
            default:
                text.append(byte)
                position += 1
            }
        }
        throw error("an unterminated multi-line string", at: start, rule: "no closing '\"\"\"'")
    }

    private mutating func multilineLiteral(start: Int) throws(ConfigError) -> String {
        position += 3
        if atNewline { skipNewline() }
        var text: [UInt8] = []
        while let byte = current {
            if byte == .apostrophe, let closing = closingQuotes(.apostrophe) {
                text.append(contentsOf: repeatElement(.apostrophe, count: closing))
                return String(decoding: text, as: UTF8.self)
            }
            if byte != .cr { text.append(byte) }
            position += 1
        }
        throw error("an unterminated multi-line string", at: start, rule: "no closing \"'''\"")
    }

    /// At a run of quotes inside a multi-line string: if it closes the string, consumes it
    /// and returns how many of its quotes belong to the content (TOML lets one or two quotes
    /// stand right before the closing three: `""""a"""""` is `"a"`); nil if it does not.
    private mutating func closingQuotes(_ quote: UInt8) -> Int? {
        var run = 0
        while peek(run) == quote { run += 1 }
        guard run >= 3 else { return nil }
        // Six or more in a row: the first three close the string and the rest is junk, which
        // the caller reports as such.
        let content = min(run - 3, 2)
        position += content + 3
        return content
    }

    /// A backslash that ends a line in a multi-line basic string removes itself, the line
    /// break and all blanks and line breaks after it. Returns false (not moving) otherwise.
    private mutating func lineEndingBackslash() -> Bool {
        var index = position + 1
        while index < bytes.count, bytes[index] == .space || bytes[index] == .tab { index += 1 }
        guard index < bytes.count, bytes[index] == .lf || bytes[index] == .cr else { return false }
        position = index
        while let byte = current, byte == .space || byte == .tab || byte == .lf || byte == .cr {
            position += 1
        }
        return true
    }

    /// One escape sequence at a backslash, appended as UTF-8.
    private mutating func escape(into text: inout [UInt8]) throws(ConfigError) {
        let start = position
        position += 1
        guard let letter = current else { throw error("an unterminated string") }
        position += 1
        switch letter {
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "t"): text.append(.tab)
        case UInt8(ascii: "n"): text.append(.lf)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "r"): text.append(.cr)
        case .quote: text.append(.quote)
        case .backslash: text.append(.backslash)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = letter == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<digits {
                guard let byte = current, let digit = Self.hexDigit(byte) else {
                    throw error("an escape \\\(Character(Unicode.Scalar(letter))) with fewer than \(digits) hex digits",
                                at: start)
                }
                value = value << 4 | digit
                position += 1
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error("an escape \\\(Character(Unicode.Scalar(letter)))\(Self.hex(value, digits: digits)) that is not a Unicode scalar value",
                            at: start, rule: "surrogates and values above 10FFFF are not characters")
            }
            text.append(contentsOf: String(Character(scalar)).utf8)
        default:
            let shown = describe(at: start + 1)
            let what = shown.hasPrefix("'") ? "\\" + shown.dropFirst().dropLast() : "'\\' followed by \(shown)"
            throw error("an invalid escape \(what)", at: start,
                        rule: "allowed: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX")
        }
    }

    static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// The line (from 1) of a byte offset, for "opened at line N".
    func lineOf(_ offset: Int) -> Int {
        1 + bytes[0..<min(offset, bytes.count)].lazy.filter { $0 == .lf }.count
    }
}
