import ArgumentParser
import NeedleProtocol

/// `needlectl note SESSION --event EVENT [--text "..."]`: a follow-up finding appended to a
/// session's record, never edited afterwards.
struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: "Append a follow-up note or adverse event to a session (never edited afterwards).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session's number (the # column of history).")
    var session: Int64

    @Option(help: "What was seen: \(NoteArguments.Event.allCases.map(\.rawValue).joined(separator: ", ")).")
    var event: String

    @Option(help: "What was seen, in words (at most \(NoteArguments.maxTextLength) characters; no names).")
    var text: String?

    func validate() throws { _ = try arguments() }

    private func arguments() throws -> NoteArguments {
        guard let kind = NoteArguments.Event(rawValue: event) else {
            throw ValidationError(
                "--event \(event) is not one of \(NoteArguments.Event.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        do throws(ProtocolError) { return try NoteArguments(session: session, event: kind, text: text) } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let payload = try Client.execute(.note(try arguments()), options: global)
        guard !global.json else { return print(Client.jsonText(payload)) }
        guard case .json(.object(let fields)) = payload, case .object(let note)? = fields["note"] else {
            return print("note added to session \(session)")
        }
        print("note \(RecordTable.text(note["id"])) added to session \(session): \(event) (hash \(RecordTable.text(fields["hash"]).prefix(16))…)")
    }
}

/// `needlectl backup FILE`: a consistent copy of the records, made by needled while it runs
/// and read out in chunks, written owner-only and atomically.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write a consistent copy of the treatment records (an SQLite file) while needled runs.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The file to write (replaced if it exists), owner-only.")
    var file: String

    func run() throws {
        let writer: OwnerOnlyFile.Writer
        switch OwnerOnlyFile.Writer.create(file) {
        case .success(let created): writer = created
        case .failure(let reason):
            printError("error: cannot write \(file): \(reason)")
            throw ExitCode(Exit.refused)
        }
        let connection = try Client.connect(global)
        var token: Int64?
        var offset: Int64 = 0
        var size: Int64 = 0
        while true {
            let payload = try Client.exchangePaced(.backup(try BackupArguments(token: token, offset: offset)), on: connection, options: global)
            guard case .json(.object(let fields)) = payload, case .integer(let got)? = fields["token"],
                  case .integer(let total)? = fields["size"], case .string(let data)? = fields["data"],
                  let bytes = Base64.decode(data)
            else {
                writer.abandon()
                printError("error: needled's backup reply could not be read")
                throw ExitCode(Exit.refused)
            }
            if let failure = writer.append(bytes) {
                writer.abandon()
                printError("error: cannot write \(file): \(failure)")
                throw ExitCode(Exit.refused)
            }
            token = got
            size = total
            offset += Int64(bytes.count)
            if fields["done"] == .bool(true) { break }
            guard !bytes.isEmpty else {
                writer.abandon()
                printError("error: needled's backup stopped at \(offset) of \(total) bytes")
                throw ExitCode(Exit.refused)
            }
        }
        guard offset == size else {
            writer.abandon()
            printError("error: the backup has \(offset) bytes where needled made \(size)")
            throw ExitCode(Exit.refused)
        }
        if let failure = writer.commit() {
            printError("error: cannot write \(file): \(failure)")
            throw ExitCode(Exit.refused)
        }
        print("records backed up to \(file) (\(size) bytes)")
    }
}
