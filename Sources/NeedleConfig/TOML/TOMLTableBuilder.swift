/// The tables of a document while it is being parsed, and TOML's rules on how each may be
/// defined. Reference types because headers and dotted keys reach into tables defined
/// earlier; `build()` then turns the tree into the value model. The tree's depth is bounded
/// by the parser's limits on key parts and nesting, so `build()`'s recursion is too.
final class TOMLTableNode {
    /// How a table came to exist, which decides what may add to it later.
    enum Origin {
        /// Created as the parent of a header (`[a.b]` creates `a`): `[a]` may still follow once.
        case implicit
        /// Defined by its own header (or the document root, or an inline table's body).
        case header
        /// Created by a dotted key (`a.b = 1` creates `a`): only more dotted keys in the same
        /// table may add to it, and no header may define it.
        case dotted
    }

    enum Entry {
        /// A value and the byte offset of its key, for "already defined at line N".
        case value(TOMLValue, at: Int)
        case table(TOMLTableNode)
    }

    var origin: Origin
    /// Byte offset where the table was created or defined.
    var definedAt: Int
    private(set) var keys: [String] = []
    private(set) var entries: [String: Entry] = [:]

    init(_ origin: Origin, at offset: Int) {
        self.origin = origin
        definedAt = offset
    }

    subscript(key: String) -> Entry? { entries[key] }

    func add(_ key: String, _ entry: Entry) {
        keys.append(key)
        entries[key] = entry
    }

    func build() -> TOMLTable {
        var table = TOMLTable()
        for key in keys {
            switch entries[key] {
            case .value(let value, _): table.insert(key, value)
            case .table(let node): table.insert(key, .table(node.build()))
            case nil: break
            }
        }
        return table
    }
}

/// One part of a dotted key and where it starts.
struct TOMLKeyPart {
    var name: String
    var at: Int

    /// A key as the file would write it: bare if it can be, else quoted.
    static func display(_ parts: some Sequence<TOMLKeyPart>) -> String {
        parts.map { part in
            if !part.name.isEmpty, part.name.utf8.allSatisfy(\.isBareKey) { return part.name }
            var quoted = "\""
            for scalar in part.name.unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                    quoted += "\\u" + TOMLScanner.hex(scalar.value, digits: 4)
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            return quoted + "\""
        }.joined(separator: ".")
    }
}
