/// Small text helpers for SVG without Foundation: fixed decimals (escaping is `XMLText`).
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
}
