/// Rejects, before the text reaches the TOML library, what TOML 1.0 forbids and the
/// library's parser does not survive.
///
/// The library (toml++ inside TOMLKit) asserts — aborting the process — on some malformed
/// input: a control character or a non-ASCII character in a table header were found by the
/// config fuzzer. An abort would take the daemon down on a SIGHUP reload, mid-treatment,
/// where rule 8 wants a clear error and the old configuration kept. Two spec rules cover
/// both cases and are checked here with a small scanner that knows strings and comments:
/// - no raw control character except tab, LF and CR, anywhere;
/// - outside strings and comments everything is ASCII (bare keys, punctuation, numbers,
///   booleans and dates all are);
/// - a table header's first non-blank character is a bare-key character or a quote (`[~`
///   made toml++'s `parse_table_header` call `parse_key` on a character it then asserts
///   about; with NDEBUG that assertion becomes an optimiser assumption, so defining NDEBUG
///   would trade the abort for undefined behaviour).
enum TOMLPreflight {
    static func check(_ text: String) throws(ConfigError) {
        var scanner = Scanner()
        for scalar in text.unicodeScalars {
            try scanner.consume(scalar)
        }
    }

    private struct Scanner {
        enum Context {
            case bare
            case comment
            case basicString(escaped: Bool)
            case literalString
            /// Multi-line strings: the count of closing quotes seen in a row.
            case multilineBasic(escaped: Bool, quotes: Int)
            case multilineLiteral(quotes: Int)
        }

        var context = Context.bare
        var line = 1
        /// Quotes seen in a row in bare context, to recognise `"""` and `'''` openers.
        var pendingQuotes: (Character, Int)? = nil
        /// Only blanks so far on this line (a `[` here, outside any array, opens a header).
        var atLineStart = true
        /// Open `[` of arrays and headers in bare context.
        var bracketDepth = 0
        /// Brackets of a table header seen so far, while its first key is still to come.
        var headerBrackets = 0

        mutating func consume(_ scalar: Unicode.Scalar) throws(ConfigError) {
            let value = scalar.value
            if value < 0x20 || value == 0x7F, scalar != "\t", scalar != "\n", scalar != "\r" {
                throw error("control character U+\(hex(value))", "TOML allows only tab, LF and CR")
            }
            if scalar == "\n" { line += 1 }
            switch context {
            case .bare:
                try bare(scalar)
            case .comment:
                if scalar == "\n" {
                    context = .bare
                    atLineStart = true
                }
            case .basicString(let escaped):
                if scalar == "\n" { throw error("line break inside a string", "close the string on its line") }
                if escaped { context = .basicString(escaped: false) }
                else if scalar == "\\" { context = .basicString(escaped: true) }
                else if scalar == "\"" { context = .bare }
            case .literalString:
                if scalar == "\n" { throw error("line break inside a string", "close the string on its line") }
                if scalar == "'" { context = .bare }
            case .multilineBasic(let escaped, let quotes):
                if escaped { context = .multilineBasic(escaped: false, quotes: 0) }
                else if scalar == "\\" { context = .multilineBasic(escaped: true, quotes: 0) }
                else if scalar == "\"" {
                    context = quotes + 1 >= 3 ? .bare : .multilineBasic(escaped: false, quotes: quotes + 1)
                } else { context = .multilineBasic(escaped: false, quotes: 0) }
            case .multilineLiteral(let quotes):
                if scalar == "'" {
                    context = quotes + 1 >= 3 ? .bare : .multilineLiteral(quotes: quotes + 1)
                } else { context = .multilineLiteral(quotes: 0) }
            }
        }

        /// Outside strings and comments. Quotes are counted so that `"""`/`'''` open a
        /// multi-line string and `""`/`''` are empty strings.
        private mutating func bare(_ scalar: Unicode.Scalar) throws(ConfigError) {
            let lineStart = atLineStart
            atLineStart = scalar == "\n" || (atLineStart && (scalar == " " || scalar == "\t"))
            if headerBrackets > 0 {
                if scalar == "[" && headerBrackets == 1 {
                    headerBrackets = 2
                    bracketDepth += 1
                    return
                }
                if scalar == " " || scalar == "\t" { return }
                headerBrackets = 0
                guard Self.isBareKey(scalar) || scalar == "\"" || scalar == "'" || scalar == "]" else {
                    throw error("a table header starting with '\(Character(scalar))'",
                                "a header names a key: letters, digits, '_', '-' or a quoted key")
                }
            }
            if scalar == "[" {
                if lineStart && bracketDepth == 0 && pendingQuotes == nil { headerBrackets = 1 }
                bracketDepth += 1
            } else if scalar == "]" {
                bracketDepth = max(0, bracketDepth - 1)
            }
            if scalar == "\"" || scalar == "'" {
                let quote = Character(scalar)
                if let (pending, count) = pendingQuotes, pending == quote {
                    if count + 1 == 3 {
                        context = quote == "\"" ? .multilineBasic(escaped: false, quotes: 0) : .multilineLiteral(quotes: 0)
                        pendingQuotes = nil
                    } else {
                        pendingQuotes = (quote, count + 1)
                    }
                } else {
                    pendingQuotes = (quote, 1)
                }
                return
            }
            if let (quote, count) = pendingQuotes {
                pendingQuotes = nil
                // One quote opened a string (two made an empty one): this scalar is inside it.
                if count == 1 {
                    context = quote == "\"" ? .basicString(escaped: false) : .literalString
                    return try consumeInString(scalar)
                }
            }
            if scalar == "#" { context = .comment; return }
            if scalar.value > 0x7F {
                throw error("non-ASCII character U+\(hex(scalar.value)) outside a string or comment",
                            "keys and values other than strings are ASCII in TOML")
            }
        }

        private mutating func consumeInString(_ scalar: Unicode.Scalar) throws(ConfigError) {
            if scalar == "\n" { line -= 1 }  // consume() counts it again
            try consume(scalar)
        }

        static func isBareKey(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
            default: false
            }
        }

        private func error(_ what: String, _ rule: String) -> ConfigError {
            ConfigError(.syntax, field: "", allowed: "\(what) at line \(line) (\(rule))")
        }

        private func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
    }
}
