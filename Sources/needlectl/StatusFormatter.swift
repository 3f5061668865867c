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
            ("area", area(status)),
            ("duration", status.durationS.map { "\(fixed($0, 1)) s" } ?? "-"),
            ("remaining", status.remainingS.map { "\(fixed($0, 1)) s" } ?? "-"),
            ("strokes", String(status.strokes)),
            ("faults", faults(status)),
            ("last stop", status.lastStopReason ?? "-"),
            ("calibration", status.calibrated ? "calibrated" : "not calibrated (calibrate zero, then span)"),
            ("self-test", selfTest(status.selfTest)),
            ("cartridge", cartridge(status.cartridge)),
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
        parts.append("calibrated=\(status.calibrated ? "yes" : "no")")
        let test = status.selfTest
        parts.append("selftest=\(test.result.rawValue)\(test.step.map { ":" + $0 } ?? "")")
        if let motor = test.motor { parts.append("selftest_motor=\(motor)") }
        parts.append("cartridge=\(compactCartridge(status.cartridge))")
        return parts.joined(separator: " ")
    }

    private static func area(_ status: StatusResult) -> String {
        guard let area = status.area else { return "-" }
        return status.override == true ? area + " (clinician override)" : area
    }

    private static func selfTest(_ report: SelfTestReport) -> String {
        let verdict = switch report.result {
        case .notRun: "not run"
        case .running: "running (\(report.step ?? "?"))"
        case .passed: "passed"
        case .failed: "failed at \(report.step ?? "?")"
        }
        return verdict + motorStep(report.motor)
    }

    private static func motorStep(_ motor: String?) -> String {
        switch motor {
        case "not_run": "; motor step not run (needlectl selftest spins it)"
        case "skipped_uncalibrated": "; motor step skipped: not calibrated"
        case .some(let other): "; motor step \(String(other.map { $0 == "_" ? " " : $0 }))"
        case nil: ""
        }
    }

    /// "SN-0001, lot LOT-7, 36 needles, new".
    private static func cartridge(_ report: CartridgeReport) -> String {
        switch report.state {
        case .unknown: return "not identified (presence only)"
        case .absent: return "none seated"
        case .reading: return "reading its ID"
        case .unreadable: return "unreadable ID: use another cartridge"
        case .identified:
            var parts = [report.serial ?? "?", "lot \(report.lot ?? "?")"]
            if let needles = report.needles { parts.append("\(needles) needles") }
            if let used = report.used { parts.append(used ? "used" : "new") }
            return parts.joined(separator: ", ")
        }
    }

    /// "SN-0001/LOT-7/36/new", or the state.
    private static func compactCartridge(_ report: CartridgeReport) -> String {
        guard report.state == .identified else { return report.state.rawValue }
        let used = report.used.map { $0 ? "used" : "new" } ?? "?"
        return "\(report.serial ?? "?")/\(report.lot ?? "?")/\(report.needles.map(String.init) ?? "?")/\(used)"
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
