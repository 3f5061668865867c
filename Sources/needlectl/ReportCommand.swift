import ArgumentParser
import NeedleProtocol
import NeedleReport

/// `needlectl report SESSION --out FILE.svg`: the session's one-page report, drawn here from
/// the daemon's `session` reply and written atomically.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write a session's one-page report (facts, depth and stroke-rate charts) as SVG.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session's number (the # column of history).")
    var session: Int64

    @Option(help: "The SVG file to write (replaced if it exists).")
    var out: String

    func validate() throws {
        do throws(ProtocolError) { _ = try SessionArguments(id: session) } catch { throw ValidationError(error.message) }
    }

    func run() throws {
        let payload = try Client.execute(.session(try SessionArguments(id: session)), options: global)
        guard case .json(let reply) = payload, let report = SessionReportReading.report(reply) else {
            printError("error: needled's session reply could not be read")
            throw ExitCode(Exit.refused)
        }
        if let error = ExportCommand.write(ReportSVG.render(report), to: out) {
            printError("error: cannot write \(out): \(error)")
            throw ExitCode(Exit.refused)
        }
        let traced = report.samples.isEmpty ? " (no trace kept for it: only its facts are drawn)" : ""
        print("session \(session): report written to \(out)\(traced)")
    }
}

/// The `session` reply as a `SessionReport`.
enum SessionReportReading {
    static func report(_ reply: JSONValue) -> SessionReport? {
        guard case .object(let fields) = reply, case .object(let row)? = fields["session"],
              let id = integer(row["id"]), let mode = string(row["mode"]), let started = string(row["started_at"]),
              let target = number(row["target_depth_mm"])
        else { return nil }
        let facts = SessionReport.Facts(
            session: id, client: string(fields["client"]) ?? string(row["client"]), area: string(row["area"]), mode: mode,
            cartridgeSerial: string(row["cartridge_serial"]), cartridgeLot: string(row["cartridge_lot"]),
            startedAt: started, endedAt: string(row["ended_at"]), endReason: string(row["end_reason"]),
            targetDepthMM: target, toleranceMM: number(fields["tolerance_mm"]) ?? 0.05,
            limitMM: number(fields["limit_mm"]) ?? (mode == "clinical" ? 3 : 1),
            targetStrokeRateHz: number(fields["target_stroke_rate_hz"]), speed: Int(integer(row["speed"]) ?? 0),
            strokes: Int(integer(row["strokes"]) ?? 0), motorOnS: number(row["motor_on_s"]) ?? 0,
            override: row["override"] == .bool(true))
        return SessionReport(facts: facts, samples: samples(fields["trace"]))
    }

    static func samples(_ trace: JSONValue?) -> [SessionReport.Sample] {
        guard case .object(let fields)? = trace, case .array(let times)? = fields["t_ms"],
              case .array(let depths)? = fields["depth_mm"], case .array(let rates)? = fields["stroke_rate_hz"],
              times.count == depths.count, times.count == rates.count
        else { return [] }
        return times.indices.compactMap { index in
            guard let ms = integer(times[index]) else { return nil }
            return SessionReport.Sample(
                timeS: Double(ms) / 1000, depthMM: number(depths[index]), strokeRateHz: number(rates[index]) ?? 0)
        }
    }

    static func string(_ value: JSONValue?) -> String? { if case .string(let text)? = value { text } else { nil } }

    static func integer(_ value: JSONValue?) -> Int64? {
        switch value {
        case .integer(let i)?: i
        case .number(let d)? where d == d.rounded() && abs(d) < 1e15: Int64(d)
        default: nil
        }
    }

    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .integer(let i)?: Double(i)
        case .number(let d)?: d
        default: nil
        }
    }
}
