/// A parsed TOML value: what the configuration schema reads. Date-times are not here on
/// purpose: the schema has none, so the parser refuses them instead of carrying a type
/// nothing reads.
enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    var string: String? { if case .string(let text) = self { text } else { nil } }
    var int: Int? { if case .integer(let number) = self { number } else { nil } }
    var double: Double? { if case .float(let number) = self { number } else { nil } }
    var bool: Bool? { if case .boolean(let flag) = self { flag } else { nil } }
    var array: [TOMLValue]? { if case .array(let elements) = self { elements } else { nil } }
    var table: TOMLTable? { if case .table(let table) = self { table } else { nil } }
    var isTable: Bool { table != nil }
}

/// A TOML table: keys in the order the file gave them (so "unknown key" errors and tests
/// are deterministic) and their values.
struct TOMLTable: Sendable, Equatable {
    private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    init() {}

    subscript(key: String) -> TOMLValue? { values[key] }

    /// Adds a key the table does not have yet; the parser checks duplicates before this
    /// with its own, better worded, errors, so a second insertion is a no-op.
    mutating func insert(_ key: String, _ value: TOMLValue) {
        guard values[key] == nil else { return }
        keys.append(key)
        values[key] = value
    }

    var count: Int { keys.count }
}
