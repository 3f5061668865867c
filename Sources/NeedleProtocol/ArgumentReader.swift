/// Reads the `args` object of one command field by field, producing `invalid_request` errors
/// that name the command, the field and the allowed values. Every field must be consumed:
/// `finish()` rejects unknown keys, so a misspelt argument is an error, not a silent default.
struct ArgumentReader {
    let command: String
    private let fields: [String: JSONValue]
    private var consumed: Set<String> = []

    init(command: String, args: [String: JSONValue]) {
        self.command = command
        self.fields = args
    }

    func error(_ field: String, _ requirement: String, got value: JSONValue?) -> ProtocolError {
        let got = value.map { " (got \(Self.describe($0)))" } ?? ""
        return .invalid("\(command): \(field) must be \(requirement)\(got)")
    }

    /// The value of `field`, or nil when absent or JSON null.
    mutating func take(_ field: String) -> JSONValue? {
        consumed.insert(field)
        guard let value = fields[field], value != .null else { return nil }
        return value
    }

    private func missing(_ field: String, _ requirement: String) -> ProtocolError {
        .invalid("\(command): \(field) is required (\(requirement))")
    }

    mutating func optionalInteger(_ field: String, in range: ClosedRange<Int>) throws(ProtocolError) -> Int? {
        let requirement = "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard let value = take(field) else { return nil }
        guard case .integer(let number) = value,
            Int64(range.lowerBound) <= number, number <= Int64(range.upperBound)
        else { throw error(field, requirement, got: value) }
        return Int(number)
    }

    /// A finite number; `range` (closed) and `aboveZero` (open lower bound) narrow it further.
    mutating func optionalNumber(
        _ field: String, in range: ClosedRange<Double>? = nil, aboveZero: Bool = false
    ) throws(ProtocolError) -> Double? {
        let requirement = Self.numberRequirement(range: range, aboveZero: aboveZero)
        guard let value = take(field) else { return nil }
        let number: Double
        switch value {
        case .integer(let integer): number = Double(integer)
        case .number(let double): number = double
        default: throw error(field, requirement, got: value)
        }
        guard number.isFinite, range?.contains(number) ?? true, !aboveZero || number > 0 else {
            throw error(field, requirement, got: value)
        }
        return number
    }

    mutating func requiredNumber(
        _ field: String, in range: ClosedRange<Double>? = nil, aboveZero: Bool = false
    ) throws(ProtocolError) -> Double {
        guard let number = try optionalNumber(field, in: range, aboveZero: aboveZero) else {
            throw missing(field, Self.numberRequirement(range: range, aboveZero: aboveZero))
        }
        return number
    }

    mutating func optionalBool(_ field: String) throws(ProtocolError) -> Bool? {
        guard let value = take(field) else { return nil }
        guard case .bool(let flag) = value else { throw error(field, "true or false", got: value) }
        return flag
    }

    mutating func requiredBool(_ field: String) throws(ProtocolError) -> Bool {
        guard let flag = try optionalBool(field) else { throw missing(field, "true or false") }
        return flag
    }

    mutating func optionalString(_ field: String, maxLength: Int) throws(ProtocolError) -> String? {
        let requirement = "a string of 1 to \(maxLength) characters"
        guard let value = take(field) else { return nil }
        guard case .string(let text) = value, !text.isEmpty, text.count <= maxLength,
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw error(field, requirement + " without control characters", got: value) }
        return text
    }

    /// A string that must be the raw value of one case of `E`.
    mutating func optionalEnum<E: RawRepresentable & CaseIterable>(
        _ field: String, _ type: E.Type
    ) throws(ProtocolError) -> E? where E.RawValue == String {
        guard let value = take(field) else { return nil }
        guard case .string(let text) = value, let result = E(rawValue: text) else {
            throw error(field, "one of " + Self.choices(type), got: value)
        }
        return result
    }

    mutating func requiredEnum<E: RawRepresentable & CaseIterable>(
        _ field: String, _ type: E.Type
    ) throws(ProtocolError) -> E where E.RawValue == String {
        guard let result = try optionalEnum(field, type) else {
            throw missing(field, "one of " + Self.choices(type))
        }
        return result
    }

    /// Rejects any field that no accessor asked for.
    func finish() throws(ProtocolError) {
        let unknown = Set(fields.keys).subtracting(consumed).sorted()
        guard unknown.isEmpty else {
            let allowed = consumed.isEmpty ? "it takes no arguments" : "allowed: " + consumed.sorted().joined(separator: ", ")
            throw .invalid("\(command): unknown argument \(unknown.joined(separator: ", ")) (\(allowed))")
        }
    }

    static func choices<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> String where E.RawValue == String {
        type.allCases.map(\.rawValue).joined(separator: ", ")
    }

    private static func numberRequirement(range: ClosedRange<Double>?, aboveZero: Bool) -> String {
        switch (range, aboveZero) {
        case (let range?, true): "a number above 0 and at most \(format(range.upperBound))"
        case (let range?, false): "a number from \(format(range.lowerBound)) to \(format(range.upperBound))"
        case (nil, true): "a number above 0"
        case (nil, false): "a finite number"
        }
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .bool(let flag): String(flag)
        case .string(let text): text.count <= 40 ? "\"\(text)\"" : "a string of \(text.count) characters"
        default: value.typeName
        }
    }
}
