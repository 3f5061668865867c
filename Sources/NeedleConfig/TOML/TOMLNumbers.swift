/// Integers (decimal with optional sign and `_` between digits, `0x`, `0o`, `0b`), floats
/// (fraction and/or exponent, `inf` and `nan` with an optional sign). Date-times start like
/// numbers; the schema has none, so they are refused by name rather than as "bad number".
extension TOMLScanner {
    /// A number at the cursor (a digit, a sign, or the `i` of inf / `n` of nan).
    mutating func number() throws(ConfigError) -> TOMLValue {
        let start = position
        // The token is everything a number, a date or a time could contain; it is then read
        // strictly, so `1__0`, `1.`, `0x` or `12abc` are all one clear error.
        while let byte = current, byte.isBareKey || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: ":") {
            position += 1
        }
        let token = Array(bytes[start..<position])
        let shown = String(decoding: token, as: UTF8.self)
        func invalid(_ why: String) -> ConfigError {
            error("an invalid number \(shown)", at: start, rule: why)
        }
        if Self.looksLikeDateTime(token) {
            throw error("a date-time \(shown)", at: start, rule: "dates and times are not supported: no key of this file takes one")
        }

        var digits = token[...]
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        switch String(decoding: digits, as: UTF8.self) {
        case "inf": return .float(negative ? -.infinity : .infinity)
        case "nan": return .float(.nan)
        default: break
        }

        if digits.count >= 2, digits.first == UInt8(ascii: "0"),
           let radix = Self.radix(digits[digits.startIndex + 1]) {
            guard digits.count == token.count else { throw invalid("a sign is not allowed before 0x, 0o or 0b") }
            guard let clean = Self.digitRun(digits.dropFirst(2), radix: radix) else {
                throw invalid("base-\(radix) digits, '_' only between two digits")
            }
            guard let value = Self.integer(clean, radix: radix, negative: false) else {
                throw invalid("does not fit in a 64-bit signed integer")
            }
            return .integer(value)
        }

        // Decimal: integer part, optional fraction, optional exponent.
        let point = digits.firstIndex(of: UInt8(ascii: "."))
        let exponentMark = digits.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let integerEnd = point ?? exponentMark ?? digits.endIndex
        guard let integerPart = Self.digitRun(digits[..<integerEnd], radix: 10) else {
            throw invalid("digits, '_' only between two digits")
        }
        guard integerPart.count == 1 || integerPart.first != UInt8(ascii: "0") else {
            throw invalid("leading zeros are not allowed")
        }
        if point == nil && exponentMark == nil {
            guard let value = Self.integer(integerPart, radix: 10, negative: negative) else {
                throw invalid("does not fit in a 64-bit signed integer")
            }
            return .integer(value)
        }

        var text = negative ? "-" : ""
        text += String(decoding: integerPart, as: UTF8.self)
        if let point {
            if let exponentMark, exponentMark < point { throw invalid("the fraction comes before the exponent") }
            guard let fraction = Self.digitRun(digits[(point + 1)..<(exponentMark ?? digits.endIndex)], radix: 10) else {
                throw invalid("a '.' needs digits on both sides")
            }
            text += "." + String(decoding: fraction, as: UTF8.self)
        }
        if let exponentMark {
            var exponent = digits[(exponentMark + 1)...]
            var sign = ""
            if let first = exponent.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
                sign = first == UInt8(ascii: "-") ? "-" : ""
                exponent = exponent.dropFirst()
            }
            guard let exponentDigits = Self.digitRun(exponent, radix: 10) else {
                throw invalid("an exponent needs digits")
            }
            // Leading zeros are allowed in exponents; a huge one makes ±inf or 0, which the
            // schema's finite-number rules then refuse where it matters.
            text += "e" + sign + String(decoding: exponentDigits, as: UTF8.self)
        }
        guard let value = Double(text) else { throw invalid("not a decimal floating-point number") }
        return .float(value)
    }

    /// `1979-05-27…` or `07:32:00…`: refused as a date-time, not as a malformed number.
    static func looksLikeDateTime(_ token: [UInt8]) -> Bool {
        func digits(_ range: Range<Int>) -> Bool { range.allSatisfy { $0 < token.count && token[$0].isDigit } }
        return (digits(0..<4) && token.count > 4 && token[4] == UInt8(ascii: "-"))
            || (digits(0..<2) && token.count > 2 && token[2] == UInt8(ascii: ":"))
    }

    private static func radix(_ letter: UInt8) -> Int? {
        switch letter {
        case UInt8(ascii: "x"): 16
        case UInt8(ascii: "o"): 8
        case UInt8(ascii: "b"): 2
        default: nil
        }
    }

    /// The digits of `run` without its underscores, or nil if it is empty, holds anything
    /// but digits of `radix` and '_', or has an underscore not between two digits.
    static func digitRun(_ run: ArraySlice<UInt8>, radix: Int) -> [UInt8]? {
        var clean: [UInt8] = []
        var previousWasDigit = false
        for byte in run {
            if byte == .underscore {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
                continue
            }
            guard let digit = hexDigit(byte), digit < radix else { return nil }
            clean.append(byte)
            previousWasDigit = true
        }
        return previousWasDigit ? clean : nil
    }

    /// The value of validated digits, or nil if it does not fit in Int (64 bits here).
    static func integer(_ digits: [UInt8], radix: Int, negative: Bool) -> Int? {
        var magnitude: UInt64 = 0
        for byte in digits {
            guard let digit = hexDigit(byte) else { return nil }
            let (shifted, overflowA) = magnitude.multipliedReportingOverflow(by: UInt64(radix))
            let (sum, overflowB) = shifted.addingReportingOverflow(UInt64(digit))
            if overflowA || overflowB { return nil }
            magnitude = sum
        }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int(Int64.min) }
            return magnitude <= UInt64(Int64.max) ? -Int(magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int(magnitude) : nil
    }
}
