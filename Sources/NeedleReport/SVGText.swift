/// Small text helpers for SVG without Foundation: fixed decimals and XML escaping.
enum SVGText {
    /// `value` with exactly `decimals` decimals (half away from zero).
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 1e15 else { return "\(value)" }
        let whole = Int64(scaled)
        let divisor = Int64(scale)
        let sign = value < 0 && whole != 0 ? "-" : ""
        guard decimals > 0 else { return sign + "\(whole)" }
        let fraction = String(whole % divisor)
        return sign + "\(whole / divisor)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// Text for an element or an attribute value.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // Control characters are not allowed in XML 1.0 documents.
                if character.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\t" }) { out.append(character) }
            }
        }
        return out
    }
}
