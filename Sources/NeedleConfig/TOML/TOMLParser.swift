/// needled's own TOML parser: the subset of TOML 1.0 a configuration file needs, strictly.
///
/// Accepted: comments, LF and CRLF, `[table]` headers with bare, quoted and dotted keys,
/// `key = value` with dotted keys, all four string forms, integers (decimal, 0x, 0o, 0b),
/// floats (with inf and nan), booleans, arrays (over lines, trailing comma, comments) and
/// inline tables on one line. Refused with a syntax error naming line and column: arrays of
/// tables `[[…]]` and date-times (nothing in the schema uses them), and everything TOML
/// itself forbids. It replaced TOMLKit/toml++, which the config fuzzer made abort.
///
/// Any input ends in a table or a `ConfigError`: recursion happens only for nested arrays
/// and inline tables, at most `maxNesting` deep, and every loop consumes input.
struct TOMLParser {
    /// Arrays and inline tables inside each other; the schema needs 1 (a list of names).
    static let maxNesting = 8
    /// Parts of one dotted key or header; the schema's deepest is 3 (`hardware.gpio.tach`).
    static let maxKeyParts = 16

    private var scanner: TOMLScanner
    private let root = TOMLTableNode(.header, at: 0)

    static func parse(_ text: String) throws(ConfigError) -> TOMLTable {
        var parser = TOMLParser(scanner: TOMLScanner(text))
        try parser.document()
        return parser.root.build()
    }

    private init(scanner: TOMLScanner) {
        self.scanner = scanner
    }

    private mutating func document() throws(ConfigError) {
        try scanner.checkCharacters()
        var table = root
        while true {
            scanner.skipBlanks()
            guard let byte = scanner.current else { return }
            if byte == .hash {
                scanner.skipComment()
            } else if byte == UInt8(ascii: "[") {
                table = try header()
                try endOfLine(after: "the table header")
            } else if !scanner.atNewline {
                try keyValue(into: table)
                try endOfLine(after: "the value")
            }
            if scanner.atNewline { scanner.skipNewline() }
        }
    }

    /// After a header or a key/value pair only blanks and a comment may follow on the line.
    private mutating func endOfLine(after what: String) throws(ConfigError) {
        scanner.skipBlanks()
        scanner.skipComment()
        guard scanner.atEnd || scanner.atNewline else {
            throw scanner.error("unexpected \(scanner.describeCurrent) after \(what)",
                                rule: "one key = value or [table] per line; comments start with '#'")
        }
    }

    // MARK: keys and tables

    /// A bare, quoted or dotted key; blanks are allowed around the dots and after the key.
    private mutating func key() throws(ConfigError) -> [TOMLKeyPart] {
        var parts: [TOMLKeyPart] = []
        while true {
            scanner.skipBlanks()
            let start = scanner.position
            let name: String
            if scanner.current == .quote || scanner.current == .apostrophe {
                name = try scanner.string(allowMultiline: false)
            } else if let byte = scanner.current, byte.isBareKey {
                while let byte = scanner.current, byte.isBareKey { scanner.position += 1 }
                name = String(decoding: scanner.bytes[start..<scanner.position], as: UTF8.self)
            } else {
                throw scanner.error("expected a key, found \(scanner.describeCurrent)",
                                    rule: "keys are letters, digits, '_' and '-', or quoted")
            }
            parts.append(TOMLKeyPart(name: name, at: start))
            guard parts.count <= Self.maxKeyParts else {
                throw scanner.error("a key of more than \(Self.maxKeyParts) dotted parts", at: start)
            }
            scanner.skipBlanks()
            guard scanner.current == UInt8(ascii: ".") else { return parts }
            scanner.position += 1
        }
    }

    /// `[a.b.c]`: finds or creates the table and makes it the one key/value pairs go to.
    private mutating func header() throws(ConfigError) -> TOMLTableNode {
        let start = scanner.position
        scanner.position += 1
        if scanner.current == UInt8(ascii: "[") {
            throw scanner.error("an array of tables [[…]]", at: start,
                                rule: "not supported: no key of this file takes one")
        }
        let parts = try key()
        guard scanner.current == UInt8(ascii: "]") else {
            throw scanner.error("expected ']' to close the table header, found \(scanner.describeCurrent)")
        }
        scanner.position += 1

        var node = root
        for (index, part) in parts.enumerated() {
            let path = TOMLKeyPart.display(parts[...index])
            let isLast = index == parts.count - 1
            switch node[part.name] {
            case nil:
                let child = TOMLTableNode(isLast ? .header : .implicit, at: start)
                node.add(part.name, .table(child))
                node = child
            case .value(_, let at):
                throw scanner.error("table [\(TOMLKeyPart.display(parts))] redefines key \(path)", at: part.at,
                                    rule: "\(path) is already a value at line \(scanner.lineOf(at))")
            case .table(let child):
                if isLast {
                    switch child.origin {
                    case .implicit:
                        child.origin = .header
                        child.definedAt = start
                    case .header:
                        throw scanner.error("a duplicate table [\(path)]", at: start,
                                            rule: "already defined at line \(scanner.lineOf(child.definedAt))")
                    case .dotted:
                        throw scanner.error("table [\(path)] is already defined by dotted keys", at: start,
                                            rule: "at line \(scanner.lineOf(child.definedAt))")
                    }
                }
                node = child
            }
        }
        return node
    }

    /// `key = value`, into `table` (the current header's, or an inline table's).
    private mutating func keyValue(into table: TOMLTableNode, depth: Int = 0) throws(ConfigError) {
        let parts = try key()
        guard scanner.current == UInt8(ascii: "=") else {
            throw scanner.error("expected '=' after the key \(TOMLKeyPart.display(parts)), found \(scanner.describeCurrent)")
        }
        scanner.position += 1
        scanner.skipBlanks()
        let value = try value(depth: depth)

        var node = table
        for (index, part) in parts.dropLast().enumerated() {
            let path = TOMLKeyPart.display(parts[...index])
            switch node[part.name] {
            case nil:
                let child = TOMLTableNode(.dotted, at: part.at)
                node.add(part.name, .table(child))
                node = child
            case .value(_, let at):
                throw scanner.error("key \(TOMLKeyPart.display(parts)) redefines key \(path)", at: part.at,
                                    rule: "\(path) is already a value at line \(scanner.lineOf(at))")
            case .table(let child):
                guard child.origin == .dotted else {
                    throw scanner.error("key \(TOMLKeyPart.display(parts)) adds to table \(path)", at: part.at,
                                        rule: "defined at line \(scanner.lineOf(child.definedAt)); dotted keys only extend tables they created")
                }
                node = child
            }
        }
        guard let last = parts.last else { return }  // key() returns at least one part
        if let existing = node[last.name] {
            let at: Int
            switch existing {
            case .value(_, let offset): at = offset
            case .table(let child): at = child.definedAt
            }
            throw scanner.error("a duplicate key \(TOMLKeyPart.display(parts))", at: last.at,
                                rule: "already defined at line \(scanner.lineOf(at))")
        }
        node.add(last.name, .value(value, at: last.at))
    }

    // MARK: values

    /// A value at the cursor; `depth` counts the arrays and inline tables around it.
    private mutating func value(depth: Int) throws(ConfigError) -> TOMLValue {
        guard let byte = scanner.current, !scanner.atNewline else {
            throw scanner.error("expected a value, found \(scanner.describeCurrent)")
        }
        switch byte {
        case .quote, .apostrophe:
            return .string(try scanner.string(allowMultiline: true))
        case UInt8(ascii: "["):
            return try array(depth: depth + 1)
        case UInt8(ascii: "{"):
            return try inlineTable(depth: depth + 1)
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try scanner.number()
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            let start = scanner.position
            while let byte = scanner.current, byte.isBareKey { scanner.position += 1 }
            let word = String(decoding: scanner.bytes[start..<scanner.position], as: UTF8.self)
            switch word {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            case "inf": return .float(.infinity)
            case "nan": return .float(.nan)
            default:
                throw scanner.error("unquoted text \(word)", at: start,
                                    rule: "strings need quotes: \"\(word)\"; booleans are true and false")
            }
        default:
            throw scanner.error("expected a value, found \(scanner.describeCurrent)",
                                rule: "a string, number, true, false, [array] or { inline table }")
        }
    }

    private func checkNesting(_ depth: Int) throws(ConfigError) {
        guard depth <= Self.maxNesting else {
            throw scanner.error("arrays and inline tables nested more than \(Self.maxNesting) deep")
        }
    }

    /// `[ v, v, … ]`, over any number of lines, with comments and a trailing comma.
    private mutating func array(depth: Int) throws(ConfigError) -> TOMLValue {
        try checkNesting(depth)
        let start = scanner.position
        scanner.position += 1
        var elements: [TOMLValue] = []
        while true {
            scanner.skipBlanksCommentsAndNewlines()
            if scanner.current == UInt8(ascii: "]") {
                scanner.position += 1
                return .array(elements)
            }
            guard !scanner.atEnd else {
                throw scanner.error("an unterminated array", at: start, rule: "no closing ']'")
            }
            elements.append(try value(depth: depth))
            scanner.skipBlanksCommentsAndNewlines()
            if scanner.current == UInt8(ascii: ",") {
                scanner.position += 1
            } else if scanner.current != UInt8(ascii: "]") {
                if scanner.atEnd { throw scanner.error("an unterminated array", at: start, rule: "no closing ']'") }
                throw scanner.error("expected ',' or ']' in the array opened at line \(scanner.lineOf(start)), found \(scanner.describeCurrent)")
            }
        }
    }

    /// `{ k = v, … }` on one line, no trailing comma (TOML 1.0). Once closed it is a value:
    /// neither a header nor a dotted key may add to it later.
    private mutating func inlineTable(depth: Int) throws(ConfigError) -> TOMLValue {
        try checkNesting(depth)
        let start = scanner.position
        scanner.position += 1
        let table = TOMLTableNode(.header, at: start)
        scanner.skipBlanks()
        if scanner.current == UInt8(ascii: "}") {
            scanner.position += 1
            return .table(table.build())
        }
        while true {
            scanner.skipBlanks()
            if scanner.atEnd || scanner.atNewline {
                throw scanner.error("an inline table that is not closed on its line", at: start,
                                    rule: "{ … } must close on the line it opens; use a [table] for more")
            }
            if scanner.current == UInt8(ascii: "}") {
                throw scanner.error("a trailing comma in an inline table", rule: "TOML allows none")
            }
            try keyValue(into: table, depth: depth)
            scanner.skipBlanks()
            if scanner.current == UInt8(ascii: "}") {
                scanner.position += 1
                return .table(table.build())
            }
            if scanner.atEnd || scanner.atNewline {
                throw scanner.error("an inline table that is not closed on its line", at: start,
                                    rule: "{ … } must close on the line it opens; use a [table] for more")
            }
            guard scanner.current == UInt8(ascii: ",") else {
                throw scanner.error("expected ',' or '}' in the inline table, found \(scanner.describeCurrent)")
            }
            scanner.position += 1
        }
    }
}
