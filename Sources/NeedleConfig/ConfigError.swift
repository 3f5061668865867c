/// Why a configuration was refused: the field (as written in the file, e.g.
/// `hardware.pwm.frequency_hz`), the value found there, and what would have been accepted.
/// `description` is the one line an engineer reads in the journal:
/// `hardware.pwm.frequency_hz = 5: must be within 1000...100000`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Not TOML at all; `field` is empty and `allowed` holds the parser's message.
        case syntax
        /// A key no section has.
        case unknownKey
        /// A table no section has.
        case unknownTable
        /// A value of the wrong TOML type (a string where a number belongs, …).
        case wrongType
        /// A number outside its range.
        case outOfRange
        /// A word that is not one of the allowed values.
        case notAllowed
        /// Keys that contradict each other (a GPIO line given by name and by offset).
        case conflict
        /// A user or group name this system does not know.
        case unknownName
        /// A value that would make a safety line's undriven (inactive) level unsafe.
        case unsafeWiring
    }

    public var kind: Kind
    /// Dotted path of the key or table, as in the file.
    public var field: String
    /// The offending value as written (strings quoted), if there is one.
    public var value: String?
    /// What is accepted: a range, the allowed words, a type, the known keys.
    public var allowed: String
    /// Why the rule exists, when that is not obvious.
    public var note: String?

    public init(_ kind: Kind, field: String, value: String? = nil, allowed: String, note: String? = nil) {
        self.kind = kind
        self.field = field
        self.value = value
        self.allowed = allowed
        self.note = note
    }

    public var description: String {
        let subject = value.map { "\(field) = \($0)" } ?? field
        let rule: String =
            switch kind {
            case .syntax: "syntax error: \(allowed)"
            case .unknownKey: "\(field): unknown key (known keys here: \(allowed))"
            case .unknownTable: "[\(field)]: unknown table (known tables here: \(allowed))"
            case .wrongType: "\(subject): must be \(allowed)"
            case .outOfRange: "\(subject): must be within \(allowed)"
            case .notAllowed: "\(subject): must be one of \(allowed)"
            case .conflict: "\(subject): \(allowed)"
            case .unknownName: "\(subject): \(allowed)"
            case .unsafeWiring: "\(subject): refused: \(allowed)"
            }
        return note.map { "\(rule) (\($0))" } ?? rule
    }
}
