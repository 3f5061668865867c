import NeedleProtocol

/// Human-readable renderings of a status.
enum StatusFormatter {
    /// Aligned `key: value` lines.
    static func table(_ status: StatusResult) -> String {
        var rows: [(String, String)] = [
            ("state", status.state.rawValue),
            ("mode", status.mode.rawValue),
            ("depth", millimetres(status.depthMM)),
            ("target", millimetres(status.targetDepthMM)),
            ("window", "\(fixed(status.window.min, 2))–\(fixed(status.window.max, 2)) mm"),
            ("motor", status.motorOn ? "on" : "off"),
            ("stroke rate", strokeRate(status)),
            ("speed", status.speed.map(String.init) ?? "-"),
            ("area", status.area ?? "-"),
            ("remaining", status.remainingS.map { "\(fixed($0, 1)) s" } ?? "-"),
            ("strokes", String(status.strokes)),
            ("faults", faults(status)),
            ("last stop", status.lastStopReason ?? "-"),
            ("hardware", status.hardware.rawValue),
            ("uptime", "\(fixed(status.uptimeS, 1)) s"),
        ]
        let width = (rows.map(\.0.count).max() ?? 0) + 1
        rows = rows.map { key, value in (key + ":" + String(repeating: " ", count: width - key.count), value) }
        return rows.map { "\($0.0) \($0.1)" }.joined(separator: "\n")
    }

    /// One compact line, for `watch`.
    static func line(_ status: StatusResult) -> String {
        var parts = [
            status.state.rawValue, status.mode.rawValue, "depth=\(millimetres(status.depthMM, unit: false))",
            "target=\(millimetres(status.targetDepthMM, unit: false))", "motor=\(status.motorOn ? "on" : "off")",
            "rate=\(fixed(status.strokeRateHz, 1))Hz", "strokes=\(status.strokes)",
        ]
        if let remaining = status.remainingS { parts.append("remaining=\(fixed(remaining, 1))s") }
        parts.append("faults=\(status.faults.isEmpty ? "-" : status.faults.map(\.rawValue).joined(separator: ","))")
        return parts.joined(separator: " ")
    }

    private static func strokeRate(_ status: StatusResult) -> String {
        let current = "\(fixed(status.strokeRateHz, 1)) Hz"
        guard let target = status.targetStrokeRateHz else { return current }
        return current + " (target \(fixed(target, 1)) Hz)"
    }

    private static func faults(_ status: StatusResult) -> String {
        status.faults.isEmpty ? "none" : status.faults.map(\.rawValue).joined(separator: ", ")
    }

    private static func millimetres(_ value: Double?, unit: Bool = true) -> String {
        guard let value else { return "-" }
        return fixed(value, 3) + (unit ? " mm" : "")
    }

    /// `value` with `digits` decimals, without Foundation's String(format:).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(value) }
        let integer = Int64(scaled)
        let whole = integer / Int64(scale)
        let fraction = String(integer % Int64(scale))
        let sign = value < 0 && integer != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(whole) }
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
