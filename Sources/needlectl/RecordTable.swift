import NeedleProtocol

/// Treatment records (the `sessions` of a `history` reply) as an operator reads them, and
/// as CSV for a clinic's files.
enum RecordTable {
    /// Columns of the CSV export, in order: the wire's keys.
    static let csvColumns = [
        "id", "started_at", "ended_at", "mode", "area", "target_depth_mm", "depth_min_mm", "depth_mean_mm",
        "depth_max_mm", "speed", "mean_stroke_rate_hz", "strokes", "motor_on_s", "end_reason", "cartridge_serial",
        "cartridge_lot", "override", "uid", "client", "backend", "notes",
    ]

    /// A page's cursor (`next_before`, `next_after`): nil on the last page.
    static func cursor(_ payload: ResultPayload, _ key: String) -> Int64? {
        guard case .json(.object(let fields)) = payload, case .integer(let id)? = fields[key] else { return nil }
        return id
    }

    /// A session's notes as one line each: `2026-12-03T08:00:00Z infection: redness, day 3`.
    static func notes(_ row: [String: JSONValue]) -> [String] {
        guard case .array(let notes)? = row["notes"] else { return [] }
        return notes.compactMap { note in
            guard case .object(let fields) = note else { return nil }
            let body = text(fields["text"])
            return "note \(text(fields["id"])) \(text(fields["at"])) \(text(fields["event"]))" + (body.isEmpty ? "" : ": \(body)")
        }
    }

    static func sessions(_ payload: ResultPayload) -> [[String: JSONValue]] {
        guard case .json(.object(let fields)) = payload, case .array(let rows)? = fields["sessions"] else { return [] }
        return rows.compactMap { if case .object(let row) = $0 { row } else { nil } }
    }

    /// A value as text: numbers as the daemon sent them, null as empty.
    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let s): s
        case .integer(let i): String(i)
        case .number(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): b ? "true" : "false"
        case .null, .none, .array, .object: ""
        }
    }

    /// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }

    static func csv(_ rows: [[String: JSONValue]]) -> String {
        csvHeader + csvLines(rows)
    }

    static let csvHeader = csvColumns.joined(separator: ",") + "\r\n"

    /// One CSV line per session; its notes go into the `notes` field, one per line.
    static func csvLines(_ rows: [[String: JSONValue]]) -> String {
        rows.map { row in
            csvColumns.map { column in
                csvField(column == "notes" ? notes(row).joined(separator: "\n") : text(row[column]))
            }.joined(separator: ",") + "\r\n"
        }.joined()
    }

    /// One line per session.
    static func human(_ rows: [[String: JSONValue]]) -> String {
        guard !rows.isEmpty else { return "no treatment sessions recorded" }
        let header = ["#", "started (UTC)", "client", "area", "mode", "target", "measured min/mean/max", "strokes", "time", "end", "cartridge (lot)", "override"]
        var table = [header]
        for row in rows {
            let measured = ["depth_min_mm", "depth_mean_mm", "depth_max_mm"].map { text(row[$0]) }
            table.append([
                text(row["id"]), text(row["started_at"]), text(row["client"]).isEmpty ? "-" : text(row["client"]),
                text(row["area"]).isEmpty ? "-" : text(row["area"]),
                text(row["mode"]), text(row["target_depth_mm"]) + " mm",
                measured.allSatisfy(\.isEmpty) ? "-" : measured.joined(separator: "/") + " mm",
                text(row["strokes"]), text(row["motor_on_s"]) + " s",
                text(row["end_reason"]).isEmpty ? "open" : text(row["end_reason"]),
                text(row["cartridge_serial"]).isEmpty ? "-" : "\(text(row["cartridge_serial"])) (\(text(row["cartridge_lot"])))",
                text(row["override"]) == "true" ? "yes" : "",
            ])
        }
        var lines = align(table).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Each session's notes under its line (the header is line 0).
        for (index, row) in rows.enumerated().reversed() {
            lines.insert(contentsOf: notes(row).map { "   " + $0 }, at: index + 2)
        }
        return lines.joined(separator: "\n")
    }

    /// Each area's sessions and next allowed date (`plan`).
    static func plan(_ payload: ResultPayload) -> String {
        guard case .json(.object(let fields)) = payload, case .array(let areas)? = fields["areas"] else { return "" }
        var table = [["area", "depth (mm)", "default", "speed", "session", "sessions", "last session (UTC)", "next allowed"]]
        for case .object(let area) in areas {
            let available = text(area["available"]) == "true"
            table.append([
                text(area["area"]),
                available ? "\(text(area["depth_min_mm"]))–\(text(area["depth_max_mm"]))" : "not in this mode",
                available ? text(area["default_depth_mm"]) : "-", text(area["speed"]), text(area["session_s"]) + " s",
                course(text(area["sessions"]), of: text(fields["recommended_sessions"]), client: fields["client"]),
                text(area["last_session"]).isEmpty ? "-" : text(area["last_session"]),
                text(area["next_allowed"]).isEmpty ? "now" : text(area["next_allowed"]),
            ])
        }
        let client = text(fields["client"])
        let heading = (client.isEmpty ? "" : "client \(client): ") + "\(text(fields["mode"])) mode; sessions on one area at least \(text(fields["minimum_interval_days"])) days apart (course: \(text(fields["recommended_sessions"])) sessions)"
        return heading + "\n" + align(table)
    }

    /// A client's course on an area: "2 of 3–4" (without a client, the pen's count alone).
    static func course(_ sessions: String, of recommended: String, client: JSONValue?) -> String {
        guard case .string = client, !recommended.isEmpty else { return sessions }
        return "\(sessions) of \(recommended.replacing("-", with: "–"))"
    }

    private static func align(_ table: [[String]]) -> String {
        let widths = (0..<(table.first?.count ?? 0)).map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { row in
            zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
