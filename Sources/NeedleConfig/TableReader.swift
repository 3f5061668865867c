/// Reads one TOML table field by field, remembering which keys were asked for, so that
/// `finish()` can refuse every key or table nobody asked for. Each accessor returns the
/// default for a missing key and throws a `ConfigError` naming the dotted path otherwise.
struct TableReader {
    let table: TOMLTable
    /// Dotted path of this table ("" for the document root).
    let path: String
    /// Keys asked for, in order, for the "known keys" list of an unknown-key error.
    private var knownKeys: [String] = []
    private var knownTables: [String] = []

    init(_ table: TOMLTable, path: String) {
        self.table = table
        self.path = path
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private mutating func value(_ key: String) -> TOMLValue? {
        knownKeys.append(key)
        return table[key]
    }

    private func wrongType(_ key: String, _ value: TOMLValue, _ expected: String) -> ConfigError {
        ConfigError(.wrongType, field: field(key), value: Self.render(value), allowed: expected)
    }

    /// A value as the file wrote it: strings quoted, tables and arrays by kind.
    static func render(_ value: TOMLValue) -> String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .table: "a table"
        case .array: "an array"
        case .integer(let number): "\(number)"
        case .float(let number): "\(number)"
        case .boolean(let flag): "\(flag)"
        }
    }

    mutating func int(_ key: String, default fallback: Int, range: ClosedRange<Int>? = nil,
                      hex: Bool = false) throws(ConfigError) -> Int {
        guard let raw = value(key) else { return fallback }
        guard let number = raw.int else { throw wrongType(key, raw, "an integer") }
        if let range, !range.contains(number) {
            func show(_ n: Int) -> String { hex ? "0x" + String(n, radix: 16) : "\(n)" }
            let allowed = range.upperBound == Int.max ? "\(show(range.lowerBound)) or more"
                : "\(show(range.lowerBound))...\(show(range.upperBound))"
            throw ConfigError(.outOfRange, field: field(key), value: show(number), allowed: allowed)
        }
        return number
    }

    /// An integer, or nil when the key is missing.
    mutating func optionalInt(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard table[key] != nil else {
            knownKeys.append(key)
            return nil
        }
        return try int(key, default: range.lowerBound, range: range)
    }

    /// A number; an integer is accepted where a float belongs (`zero_counts = 512`).
    mutating func double(_ key: String, default fallback: Double, range: ClosedRange<Double>? = nil,
                         note: String? = nil) throws(ConfigError) -> Double {
        guard let raw = value(key) else { return fallback }
        guard let number = raw.double ?? raw.int.map(Double.init) else { throw wrongType(key, raw, "a number") }
        guard number.isFinite else {
            throw ConfigError(.outOfRange, field: field(key), value: Self.render(raw), allowed: "finite numbers")
        }
        if let range, !range.contains(number) {
            throw ConfigError(.outOfRange, field: field(key), value: Self.render(raw),
                              allowed: "\(range.lowerBound)...\(range.upperBound)", note: note)
        }
        return number
    }

    /// A number, or nil when the key is missing.
    mutating func optionalDouble(_ key: String, range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard table[key] != nil else {
            knownKeys.append(key)
            return nil
        }
        return try double(key, default: range.lowerBound, range: range)
    }

    mutating func bool(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let raw = value(key) else { return fallback }
        guard let flag = raw.bool else { throw wrongType(key, raw, "true or false") }
        return flag
    }

    /// A non-empty string, or nil when the key is missing.
    mutating func optionalString(_ key: String) throws(ConfigError) -> String? {
        guard let raw = value(key) else { return nil }
        guard let text = raw.string else { throw wrongType(key, raw, "a string") }
        guard !text.isEmpty else {
            throw ConfigError(.notAllowed, field: field(key), value: "\"\"", allowed: "non-empty strings")
        }
        return text
    }

    mutating func string(_ key: String, default fallback: String) throws(ConfigError) -> String {
        try optionalString(key) ?? fallback
    }

    /// An absolute path (starts with "/"), at most `maxBytes` long.
    mutating func path(_ key: String, default fallback: String, maxBytes: Int = 4095) throws(ConfigError) -> String {
        guard let text = try optionalString(key) else { return fallback }
        guard text.hasPrefix("/"), text.utf8.count <= maxBytes else {
            throw ConfigError(.notAllowed, field: field(key), value: "\"\(text)\"",
                              allowed: "absolute paths of at most \(maxBytes) bytes")
        }
        return text
    }

    /// One of an enumeration's raw values.
    mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, default fallback: E) throws(ConfigError) -> E
    where E.RawValue == String {
        let words = E.allCases.map(\.rawValue)
        let word = try oneOf(key, default: fallback.rawValue, words)
        return E(rawValue: word) ?? fallback
    }

    /// One of a list of words.
    mutating func oneOf(_ key: String, default fallback: String, _ words: [String]) throws(ConfigError) -> String {
        guard let raw = value(key) else { return fallback }
        guard let word = raw.string else { throw wrongType(key, raw, "a string") }
        guard words.contains(word) else {
            throw ConfigError(.notAllowed, field: field(key), value: "\"\(word)\"", allowed: words.joined(separator: ", "))
        }
        return word
    }

    /// Users or groups: an array of names (non-empty strings) and numeric ids.
    mutating func idList(_ key: String) throws(ConfigError) -> [String] {
        guard let raw = value(key) else { return [] }
        guard let array = raw.array else { throw wrongType(key, raw, "an array of names and numeric ids") }
        var result: [String] = []
        for element in array {
            if let name = element.string, !name.isEmpty {
                result.append(name)
            } else if let id = element.int {
                guard ConfigRules.numericID.contains(id) else {
                    throw ConfigError(.outOfRange, field: field(key), value: "\(id)",
                                      allowed: "\(ConfigRules.numericID.lowerBound)...\(ConfigRules.numericID.upperBound)")
                }
                result.append(String(id))
            } else {
                throw wrongType(key, element, "a name (non-empty string) or a numeric id")
            }
        }
        return result
    }

    /// A sub-table, or nil when it is missing.
    mutating func table(_ key: String) throws(ConfigError) -> TableReader? {
        knownTables.append(key)
        guard let raw = table[key] else { return nil }
        guard let sub = raw.table else { throw wrongType(key, raw, "a table ([\(field(key))])") }
        return TableReader(sub, path: field(key))
    }

    /// Refuses anything in the table that no accessor asked for.
    func finish() throws(ConfigError) {
        for key in table.keys.sorted() where !knownKeys.contains(key) && !knownTables.contains(key) {
            if table[key]?.isTable == true {
                throw ConfigError(.unknownTable, field: field(key),
                                  allowed: knownTables.isEmpty ? "none" : knownTables.joined(separator: ", "))
            }
            throw ConfigError(.unknownKey, field: field(key),
                              allowed: knownKeys.isEmpty ? "none" : knownKeys.joined(separator: ", "))
        }
    }
}
