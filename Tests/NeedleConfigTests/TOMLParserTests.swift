import Foundation
import Testing
@testable import NeedleConfig

/// The syntax error for `text`, or nil (with an issue recorded) if it parsed.
private func syntaxError(_ text: String) -> ConfigError? {
    do {
        _ = try TOMLParser.parse(text)
        Issue.record("parsed: \(text.debugDescription)")
        return nil
    } catch {
        #expect(error.kind == .syntax, "\(error)")
        return error
    }
}

@Suite("TOML parser: good documents")
struct TOMLGoodDocumentTests {
    @Test("comments, blank lines, CRLF, tabs; tables with bare, quoted and blank-padded keys")
    func structure() throws {
        let doc = try TOMLParser.parse(
            "# top\r\n\r\n\ta = 1 # trailing\r\n[ b ]\r\nc = 2\n[b . \"q k\" . 'lit']\n  d = 3\n[\"\"]\ne = 4\n# end")
        #expect(doc["a"] == .integer(1))
        #expect(doc["b"]?.table?["c"] == .integer(2))
        #expect(doc["b"]?.table?["q k"]?.table?["lit"]?.table?["d"] == .integer(3))
        #expect(doc[""]?.table?["e"] == .integer(4))
        #expect(doc.keys == ["a", "b", ""])
    }

    @Test("an implicit parent table may be defined later once; headers may go through dotted tables")
    func implicitTables() throws {
        let doc = try TOMLParser.parse("[a.b.c]\nx = 1\n[a]\ny = 2\n[f]\napple.color = 'red'\n[f.apple.texture]\nsmooth = true")
        #expect(doc["a"]?.table?["b"]?.table?["c"]?.table?["x"] == .integer(1))
        #expect(doc["a"]?.table?["y"] == .integer(2))
        #expect(doc["f"]?.table?["apple"]?.table?["color"] == .string("red"))
        #expect(doc["f"]?.table?["apple"]?.table?["texture"]?.table?["smooth"] == .boolean(true))
    }

    @Test("dotted keys build tables; the same dotted table may be extended in its section")
    func dottedKeys() throws {
        let doc = try TOMLParser.parse("[hardware]\ngpio.tach.line = 'TACH'\ngpio . tach . offset = 3\n\"x.y\" = 1")
        let tach = doc["hardware"]?.table?["gpio"]?.table?["tach"]?.table
        #expect(tach?["line"] == .string("TACH"))
        #expect(tach?["offset"] == .integer(3))
        #expect(doc["hardware"]?.table?["x.y"] == .integer(1))
    }

    @Test("basic strings and every escape", arguments: [
        (#"s = "plain""#, "plain"),
        (#"s = "q\" b\\ \b\t\n\f\r""#, "q\" b\\ \u{8}\t\n\u{C}\r"),
        (#"s = "\u00E9\U0001F489 \u0041""#, "é💉 A"),
        (#"s = """#, ""),
        ("s = \"tab\tinside ü #not a comment\"", "tab\tinside ü #not a comment"),
    ])
    func basicStrings(text: String, expected: String) throws {
        #expect(try TOMLParser.parse(text)["s"] == .string(expected))
    }

    @Test("literal and multi-line strings", arguments: [
        (#"s = 'C:\path\n'"#, #"C:\path\n"#),
        ("s = ''", ""),
        ("s = \"\"\"\nfirst\nsecond\"\"\"", "first\nsecond"),
        ("s = \"\"\"\r\nfirst\r\nsecond\r\n\"\"\"", "first\nsecond\n"),
        ("s = \"\"\"one \\\n    two \\\n\n   three\"\"\"", "one two three"),
        ("s = \"\"\"a \"quoted\" \"\" word\"\"\"", "a \"quoted\" \"\" word"),
        ("s = \"\"\"\"\"ends in two quotes\"\"\"\"\"", "\"\"ends in two quotes\"\""),
        ("s = \"\"\"\\u00FCber\\t\"\"\"", "über\t"),
        ("s = '''\nraw \\n 'single' ''quotes''\n'''", "raw \\n 'single' ''quotes''\n"),
        ("s = '''x''''", "x'"),
    ])
    func otherStrings(text: String, expected: String) throws {
        #expect(try TOMLParser.parse(text)["s"] == .string(expected))
    }

    @Test("integers", arguments: [
        ("n = 0", 0), ("n = +17", 17), ("n = -17", -17), ("n = 1_000_000", 1_000_000), ("n = -0", 0),
        ("n = 0x36", 0x36), ("n = 0xdead_BEEF", 0xDEAD_BEEF), ("n = 0o755", 0o755), ("n = 0b1101", 13),
        ("n = 9223372036854775807", Int.max), ("n = -9223372036854775808", Int.min),
        ("n = 0x7FFFFFFFFFFFFFFF", Int.max),
    ])
    func integers(text: String, expected: Int) throws {
        #expect(try TOMLParser.parse(text)["n"] == .integer(expected))
    }

    @Test("floats", arguments: [
        ("x = 0.05", 0.05), ("x = -0.001", -0.001), ("x = +1.5", 1.5), ("x = 512.0", 512),
        ("x = 5e+22", 5e22), ("x = 1e06", 1e6), ("x = -2E-2", -0.02), ("x = 6.626e-34", 6.626e-34),
        ("x = 224_617.445_991", 224_617.445_991), ("x = 0.0", 0), ("x = 1e400", .infinity),
        ("x = inf", .infinity), ("x = +inf", .infinity), ("x = -inf", -.infinity),
    ])
    func floats(text: String, expected: Double) throws {
        #expect(try TOMLParser.parse(text)["x"] == .float(expected))
    }

    @Test("nan with any sign is a float that is not a number")
    func nan() throws {
        for text in ["x = nan", "x = +nan", "x = -nan"] {
            #expect(try TOMLParser.parse(text)["x"]?.double?.isNaN == true, "\(text)")
        }
    }

    @Test("booleans")
    func booleans() throws {
        let doc = try TOMLParser.parse("t = true\nf = false")
        #expect(doc["t"] == .boolean(true))
        #expect(doc["f"] == .boolean(false))
    }

    @Test("arrays: empty, mixed, nested, over lines with comments and a trailing comma")
    func arrays() throws {
        let doc = try TOMLParser.parse("""
            empty = []
            mixed = [ "a", 'b', 1, 2.5, true ]
            nested = [[1, 2], ["x"], [[[]]]]
            lines = [  # the clinicians
              "alice",   # lead
              1001,
              # a comment alone
            ]
            deepest = [[[[[[[[1]]]]]]]]
            """)
        #expect(doc["empty"] == .array([]))
        #expect(doc["mixed"] == .array([.string("a"), .string("b"), .integer(1), .float(2.5), .boolean(true)]))
        #expect(doc["nested"] == .array([.array([.integer(1), .integer(2)]), .array([.string("x")]),
                                         .array([.array([.array([])])])]))
        #expect(doc["lines"] == .array([.string("alice"), .integer(1001)]))
        var deepest = TOMLValue.integer(1)
        for _ in 0..<TOMLParser.maxNesting { deepest = .array([deepest]) }
        #expect(doc["deepest"] == deepest)
    }

    @Test("inline tables, empty, nested, with dotted keys, inside arrays")
    func inlineTables() throws {
        let doc = try TOMLParser.parse("""
            t = { a = 1, b = "x" , c.d = true, e = { f = [1, 2] } }
            empty = {}
            list = [{ n = 1 }, {n=2}]
            """)
        let table = doc["t"]?.table
        #expect(table?["a"] == .integer(1))
        #expect(table?["b"] == .string("x"))
        #expect(table?["c"]?.table?["d"] == .boolean(true))
        #expect(table?["e"]?.table?["f"] == .array([.integer(1), .integer(2)]))
        #expect(doc["empty"] == .table(TOMLTable()))
        #expect(doc["list"]?.array?.count == 2)
    }

    @Test("the example files parse", arguments: ["config/needled.toml", "hardware/needled-hardware.toml"])
    func exampleFiles(path: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        let doc = try TOMLParser.parse(text)
        #expect(doc["hardware"]?.table?["gpio"]?.table?["estop"]?.table?["line"] == .string("ESTOP"))
        #expect(doc["hardware"]?.table?["i2c"]?.table?["address"] == .integer(0x36))
        // Neither ships a factory calibration: a real pen is calibrated by a clinician.
        #expect(doc["hardware"]?.table?["calibration"] == nil)
        #expect(text.contains("# [hardware.calibration]\n# zero_counts = 512.0\n# mm_per_count = 0.001"))
        #expect(try NeedledConfig.parse(toml: text).hardware.calibration == nil)
    }
}

/// A document the parser must refuse, the line its error names, and a piece of the message.
struct BadDocument: Sendable, CustomTestStringConvertible {
    var toml: String
    var line: Int
    var mentions: String
    var testDescription: String { toml.debugDescription }

    init(_ toml: String, line: Int, _ mentions: String) {
        self.toml = toml
        self.line = line
        self.mentions = mentions
    }
}

@Suite("TOML parser: bad documents")
struct TOMLBadDocumentTests {
    static let documents: [BadDocument] = [
        // Duplicates and redefinitions.
        .init("a = 1\nb = 2\na = 3", line: 3, "duplicate key a"),
        .init("[t]\nx = 1\n[u]\n[t]", line: 4, "duplicate table [t]"),
        .init("[t.u]\n[t]\n[t]", line: 3, "duplicate table [t]"),
        .init("a = 1\n[a]", line: 2, "redefines key a"),
        .init("a = 1\n[a.b]", line: 2, "redefines key a"),
        .init("[a]\nb = 1\n[a.b.c]", line: 3, "redefines key a.b"),
        .init("a.b = 1\na.b.c = 2", line: 2, "redefines key a.b"),
        .init("a = {x = 1}\n[a.y]", line: 2, "redefines key a"),
        .init("a = {x = 1}\na.y = 2", line: 2, "redefines key a"),
        .init("[t]\nx = 1\n[t.x]", line: 3, "redefines key t.x"),
        .init("a.b = 1\n[a]", line: 2, "already defined by dotted keys"),
        .init("[a.b]\n[a]\nb.c = 1", line: 3, "adds to table b"),
        .init("[a]\nb = 1\n\"b\" = 2", line: 3, "duplicate key"),
        .init("t = {a = 1, a = 2}", line: 1, "duplicate key a"),
        // Characters.
        .init("a = 1\n# bell \u{7}\n", line: 2, "U+0007"),
        .init("a = \"x\u{0}\"", line: 1, "U+0000"),
        .init("a = 1\rb = 2", line: 1, "carriage return"),
        .init("a = '\u{1B}'", line: 1, "U+001B"),
        .init("a = \"\"\"\n\u{7F}\"\"\"", line: 2, "U+007F"),
        // Strings.
        .init("a = \"open", line: 1, "unterminated string"),
        .init("a = 1\nb = \"open\nc = 2", line: 2, "string not closed on its line"),
        .init("a = 'open", line: 1, "unterminated string"),
        .init("a = 'open\nb = 1'", line: 1, "string not closed on its line"),
        .init("a = \"\"\"\nnever closed", line: 1, "unterminated multi-line string"),
        .init("a = '''\nnever closed\n''", line: 1, "unterminated multi-line string"),
        .init("a = \"bad \\x41\"", line: 1, "invalid escape \\x"),
        .init("a = \"bad \\ \"", line: 1, "invalid escape"),
        .init("a = \"\\u12\"", line: 1, "fewer than 4 hex digits"),
        .init("\na = \"\\uD800\"", line: 2, "not a Unicode scalar"),
        .init("a = \"\\U00110000\"", line: 1, "not a Unicode scalar"),
        .init("\"\"\"k\"\"\" = 1", line: 1, "multi-line string used as a key"),
        .init("a = \"\"\"x\"\"\"\"\"\"", line: 1, "after the value"),
        // Numbers.
        .init("a = 01", line: 1, "leading zeros"),
        .init("a = 00.5", line: 1, "leading zeros"),
        .init("a = 1__0", line: 1, "invalid number"),
        .init("a = _1", line: 1, "expected a value"),
        .init("a = 1_", line: 1, "invalid number"),
        .init("a = 1.", line: 1, "invalid number"),
        .init("a = .5", line: 1, "expected a value"),
        .init("a = 1e", line: 1, "invalid number"),
        .init("a = 0x", line: 1, "invalid number"),
        .init("a = 0xG", line: 1, "invalid number"),
        .init("a = 0b102", line: 1, "invalid number"),
        .init("a = -0x10", line: 1, "sign is not allowed"),
        .init("a = 9223372036854775808", line: 1, "64-bit"),
        .init("a = 0x1_0000_0000_0000_0000", line: 1, "64-bit"),
        .init("a = 12abc", line: 1, "invalid number"),
        .init("a = infinity", line: 1, "unquoted text infinity"),
        .init("\n\nd = 1979-05-27", line: 3, "date-time"),
        .init("t = 07:32:00", line: 1, "date-time"),
        // Values and lines.
        .init("a = debug", line: 1, "unquoted text debug"),
        .init("a = True", line: 1, "unquoted text True"),
        .init("a =", line: 1, "expected a value"),
        .init("a = \nb = 1", line: 1, "expected a value"),
        .init("[daemon]\nrate_hz = = 3", line: 2, "expected a value"),
        .init("[daemon]\nrate_hz 1000", line: 2, "expected '='"),
        .init("key", line: 1, "expected '='"),
        .init("a = 1 b = 2", line: 1, "after the value"),
        .init("a = \"x\" \"y\"", line: 1, "after the value"),
        .init("a = 1 // comment", line: 1, "after the value"),
        .init("= 1", line: 1, "expected a key"),
        .init("a.= 1", line: 1, "expected a key"),
        .init("é = 1", line: 1, "expected a key, found U+00E9"),
        // Headers.
        .init("[~", line: 1, "expected a key, found '~'"),
        .init("[a", line: 1, "expected ']'"),
        .init("[a]]", line: 1, "after the table header"),
        .init("[]", line: 1, "expected a key"),
        .init("[a.]", line: 1, "expected a key"),
        .init("[a b]", line: 1, "expected ']'"),
        .init("[a] x = 1", line: 1, "after the table header"),
        .init("\n[[servers]]", line: 2, "array of tables"),
        .init(" [\u{FFFD}I)", line: 1, "U+FFFD"),
        // Arrays and inline tables.
        .init("a = [1, 2", line: 1, "unterminated array"),
        .init("a = [1 2]", line: 1, "expected ',' or ']'"),
        .init("a = [\n1,\n,\n]", line: 3, "expected a value"),
        .init("a = [\n1,\n2\n", line: 1, "unterminated array"),
        .init("a = [[[[[[[[[1]]]]]]]]]", line: 1, "nested more than 8 deep"),
        .init("a = [{b = [[[[[[[1]]]]]]]}]", line: 1, "nested more than 8 deep"),
        .init("t = {a = 1,}", line: 1, "trailing comma"),
        .init("t = {a = 1\n}", line: 1, "not closed on its line"),
        .init("t = {\na = 1}", line: 1, "not closed on its line"),
        .init("t = {a = 1 b = 2}", line: 1, "expected ',' or '}'"),
        .init("t = {a}", line: 1, "expected '='"),
        .init("[\(Array(repeating: "k", count: 17).joined(separator: "."))]", line: 1, "more than 16 dotted parts"),
    ]

    @Test("each bad document is a syntax error naming its line", arguments: documents)
    func badDocument(_ bad: BadDocument) {
        guard let error = syntaxError(bad.toml) else { return }
        #expect(error.allowed.contains("at line \(bad.line), column "), "\(error)")
        #expect(error.allowed.contains(bad.mentions), "\(error)")
        #expect(error.field.isEmpty)
        #expect(error.description.hasPrefix("syntax error: "))
    }

    @Test("the column counts characters, not bytes")
    func column() {
        let error = syntaxError("s = \"ü\" x")
        #expect(error?.allowed.contains("at line 1, column 9") == true, "\(String(describing: error))")
    }
}

/// Inputs the config fuzzer found against TOMLKit/toml++ (which aborted on them) and
/// against this parser: each must now be a ConfigError, never a crash.
@Suite("TOML parser: fuzzer regressions")
struct TOMLFuzzRegressionTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fuzz/corpus/config")

    /// The bytes as the fuzz target turns them into text (invalid UTF-8 becomes U+FFFD).
    static func text(_ name: String) throws -> String {
        let data = try Data(contentsOf: corpus.appendingPathComponent(name))
        return String(decoding: data, as: UTF8.self)
    }

    @Test("the crash inputs in fuzz/corpus/config are syntax errors", arguments: [
        "05-control-char-header.toml", "06-non-ascii-header.toml", "07-header-tilde.toml",
        "08-header-after-comment.toml",
    ])
    func crashInputs(name: String) throws {
        let text = try Self.text(name)
        #expect(syntaxError(text) != nil)
        #expect(throws: ConfigError.self) { try NeedledConfig.parse(toml: text) }
    }

    @Test("every corpus input parses or is refused with a ConfigError")
    func wholeCorpus() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(names.count >= 8)
        for name in names {
            do {
                _ = try NeedledConfig.parse(toml: try Self.text(name))
            } catch let error as ConfigError {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test("deep brackets ([[[[…}) are refused at the nesting limit, not by the stack",
          arguments: ["", "a = ", "a = [{b = "])
    func deepBrackets(prefix: String) {
        let text = prefix + String(repeating: "[", count: 100_000) + "}"
        guard let error = syntaxError(text) else { return }
        #expect(error.allowed.contains("nested more than 8 deep") || error.allowed.contains("array of tables"),
                "\(error)")
    }

    @Test("deep inline tables and long dotted keys are refused too")
    func deepTablesAndKeys() {
        #expect(syntaxError("a = " + String(repeating: "{b = ", count: 100_000))?.allowed
            .contains("nested more than 8 deep") == true)
        #expect(syntaxError(String(repeating: "a.", count: 100_000) + "a = 1")?.allowed
            .contains("dotted parts") == true)
    }

    @Test("large flat inputs take linear time")
    func largeInputs() throws {
        let many = (0..<20_000).map { "k\($0) = [\"v\", \($0), \($0).5]" }.joined(separator: "\n")
        #expect(try TOMLParser.parse(many).count == 20_000)
        let longString = "s = \"" + String(repeating: "x\\t", count: 200_000) + "\""
        #expect(try TOMLParser.parse(longString)["s"]?.string?.utf8.count == 400_000)
        #expect(syntaxError(String(repeating: "#\n", count: 200_000) + "=")?.allowed.contains("line 200001") == true)
    }
}
