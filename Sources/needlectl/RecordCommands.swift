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
        commandName: "history", abstract: "List the recorded treatment sessions and their notes, or check their hash chain.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only this area's sessions.")
    var area: String?

    @Option(help: "Only sessions started on or after this day (YYYY-MM-DD, UTC) or time (ISO 8601).")
    var since: String?

    @Option(help: "Only this client's sessions.")
    var client: String?

    @Option(help: "Only the newest N sessions (default: all of them, read a page at a time).")
    var limit: Int?

    @Option(help: "Only sessions numbered below this one (the page before it).")
    var before: Int64?

    @Flag(help: "Check the records' hash chain instead: exit 1 naming the first row that does not match.")
    var verify = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let before, before < 1 { throw ValidationError("--before must be a session number (1 or more)") }
        _ = try HistoryCommand.command(area: area, since: since, client: client)
    }

    static func command(
        area: String?, since: String?, client: String?, limit: Int = HistoryArguments.maxPage, before: Int64? = nil,
        after: Int64? = nil
    ) throws -> Command {
        var sinceS: Int64?
        if let since {
            guard let parsed = UTCTime.parse(since) else {
                throw ValidationError("--since \(since) is not a date (YYYY-MM-DD) or an ISO 8601 time")
            }
            sinceS = parsed
        }
        do throws(ProtocolError) {
            return .history(try HistoryArguments(
                area: area, sinceS: sinceS, client: client, limit: limit, before: before, after: after))
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        if verify { return try VerifyReport.run(global) }
        let rows = try readPages()
        if global.json {
            let all = ResultPayload.json(.object(["sessions": .array(rows.map { JSONValue.object($0) })]))
            print(Client.jsonText(all))
        } else {
            print(RecordTable.human(rows))
        }
    }

    /// The newest `limit` sessions (all without it), a page at a time over one connection,
    /// oldest first.
    private func readPages() throws -> [[String: JSONValue]] {
        let connection = try Client.connect(global)
        var pages: [[[String: JSONValue]]] = []
        var count = 0
        var cursor = before
        while limit.map({ count < $0 }) ?? true {
            let want = min(HistoryArguments.maxPage, limit.map { $0 - count } ?? HistoryArguments.maxPage)
            let payload = try Client.exchangePaced(
                try Self.command(area: area, since: since, client: client, limit: want, before: cursor), on: connection,
                options: global)
            let page = RecordTable.sessions(payload)
            pages.append(page)
            count += page.count
            guard let next = RecordTable.cursor(payload, "next_before") else { break }
            cursor = next
        }
        return pages.reversed().flatMap { $0 }
    }
}

/// `history --verify`: the daemon walks the hash chain; a break is exit 1 naming the row.
enum VerifyReport {
    static func run(_ global: GlobalOptions) throws {
        let payload = try Client.execute(.verify, options: global)
        guard case .json(.object(let fields)) = payload else {
            printError("error: needled's verify reply could not be read")
            throw ExitCode(Exit.refused)
        }
        let intact = fields["intact"] == .bool(true)
        if global.json {
            print(Client.jsonText(payload))
        } else if intact {
            print("hash chain intact: \(RecordTable.text(fields["entries"])) sealed rows (closed sessions and notes); head \(RecordTable.text(fields["head"]))")
        } else if case .object(let mismatch)? = fields["first_mismatch"] {
            printError(
                "hash chain broken at \(RecordTable.text(mismatch["kind"])) \(RecordTable.text(mismatch["id"])): \(RecordTable.text(mismatch["reason"])) "
                    + "(\(RecordTable.text(fields["entries"])) rows before it match)")
        }
        if !intact { throw ExitCode(Exit.refused) }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the treatment records to a CSV file (one row per session, notes included).")

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

    /// Streams every session, oldest first, a page at a time into the temporary file, so
    /// any number of rows fits in bounded memory; the file is put in place only when all
    /// pages were written.
    func run() throws {
        let writer: OwnerOnlyFile.Writer
        switch OwnerOnlyFile.Writer.create(csv) {
        case .success(let created): writer = created
        case .failure(let reason):
            printError("error: cannot write \(csv): \(reason)")
            throw ExitCode(Exit.refused)
        }
        let connection = try Client.connect(global)
        var count = 0
        var cursor: Int64 = 0
        var failure = writer.append(Array(RecordTable.csvHeader.utf8))
        while failure == nil {
            let payload = try Client.exchangePaced(
                try HistoryCommand.command(area: area, since: since, client: client, after: cursor), on: connection,
                options: global)
            let rows = RecordTable.sessions(payload)
            count += rows.count
            failure = writer.append(Array(RecordTable.csvLines(rows).utf8))
            guard let next = RecordTable.cursor(payload, "next_after") else { break }
            cursor = next
        }
        if let failure = failure ?? writer.commit() {
            writer.abandon()
            printError("error: cannot write \(csv): \(failure)")
            throw ExitCode(Exit.refused)
        }
        print("\(count) session\(count == 1 ? "" : "s") written to \(csv)")
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
