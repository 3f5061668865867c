import ArgumentParser
import NeedleProtocol

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "List the recorded treatment sessions.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only this area's sessions.")
    var area: String?

    @Option(help: "Only sessions started on or after this day (YYYY-MM-DD, UTC) or time (ISO 8601).")
    var since: String?

    @Option(help: "Only this client's sessions.")
    var client: String?

    func validate() throws { _ = try command() }

    func command() throws -> Command {
        try HistoryCommand.command(area: area, since: since, client: client)
    }

    static func command(area: String?, since: String?, client: String?) throws -> Command {
        var sinceS: Int64?
        if let since {
            guard let parsed = UTCTime.parse(since) else {
                throw ValidationError("--since \(since) is not a date (YYYY-MM-DD) or an ISO 8601 time")
            }
            sinceS = parsed
        }
        do throws(ProtocolError) { return .history(try HistoryArguments(area: area, sinceS: sinceS, client: client)) } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let payload = try Client.execute(try command(), options: global)
        print(global.json ? Client.jsonText(payload) : RecordTable.human(RecordTable.sessions(payload)))
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the treatment records to a CSV file (one row per session).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The CSV file to write (replaced if it exists).")
    var csv: String

    @Option(help: "Only this area's sessions.")
    var area: String?

    @Option(help: "Only sessions started on or after this day (YYYY-MM-DD, UTC).")
    var since: String?

    @Option(help: "Only this client's sessions.")
    var client: String?

    func validate() throws { _ = try HistoryCommand.command(area: area, since: since, client: client) }

    func run() throws {
        let payload = try Client.execute(
            try HistoryCommand.command(area: area, since: since, client: client), options: global)
        let rows = RecordTable.sessions(payload)
        if let error = Self.write(RecordTable.csv(rows), to: csv) {
            printError("error: cannot write \(csv): \(error)")
            throw ExitCode(Exit.refused)
        }
        print("\(rows.count) session\(rows.count == 1 ? "" : "s") written to \(csv)")
    }

    /// Owner-only and atomic (`OwnerOnlyFile`); nil on success, else why.
    static func write(_ text: String, to path: String) -> String? {
        OwnerOnlyFile.save(text, to: path)
    }
}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Each area's depths, sessions so far and next allowed date.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "One client's course: that client's sessions per area and next allowed dates.")
    var client: String?

    func validate() throws { _ = try arguments() }

    private func arguments() throws -> PlanArguments {
        do throws(ProtocolError) { return try PlanArguments(client: client) } catch {
            throw ValidationError(error.message.replacingArgumentNames())
        }
    }

    func run() throws {
        let payload = try Client.execute(.plan(try arguments()), options: global)
        print(global.json ? Client.jsonText(payload) : RecordTable.plan(payload))
    }
}
