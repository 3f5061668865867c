/// Why the treatment record store refused or failed an operation. Every failure the disk,
/// SQLite or a stored row can cause ends up here, never in a trap, so the daemon can log
/// it and decide what a missing record means for the session. `description` is the one
/// line an engineer reads in the journal.
public enum RecordStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database file could not be opened or created, or its schema brought up to date.
    case cannotOpen(path: String, reason: String)
    /// The file records migrations this build does not know: a newer needled wrote it.
    /// Writing to a schema it does not understand could lose data, so the store refuses.
    case schemaTooNew(path: String, unknownMigrations: [String])
    /// SQLite failed an operation (I/O error, disk full, busy, a constraint); `code` is
    /// SQLite's primary result code and `message` its text.
    case sqlite(operation: String, code: Int32, message: String)
    /// A stored row could not be read back as a record (a value of the wrong type).
    case unreadableRow(operation: String, message: String)
    /// `open` was given a session that already has an end reason or end time.
    case openSessionHasEnd(endReason: String?, endedAtMs: Int64?)
    /// `open` was given a session that already has an id; the database assigns ids.
    case openSessionHasID(Int64)
    /// `update` was given a record that was never opened.
    case missingID
    /// An end time without an end reason, or the other way round.
    case inconsistentEnd(id: Int64, endedAtMs: Int64?, endReason: String?)
    /// `update` named a row that does not exist.
    case noSuchSession(id: Int64)
    /// `update` named a row that is already closed; closed rows are immutable history.
    case sessionClosed(id: Int64, endReason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open treatment records at \(path): \(reason)"
        case .schemaTooNew(let path, let unknown):
            return "treatment records at \(path) were written by a newer needled "
                + "(unknown migrations: \(unknown.joined(separator: ", "))); refusing to use them"
        case .sqlite(let operation, let code, let message):
            return "treatment records: \(operation) failed: SQLite error \(code): \(message)"
        case .unreadableRow(let operation, let message):
            return "treatment records: \(operation) failed: a stored session could not be read: \(message)"
        case .openSessionHasEnd(let endReason, let endedAtMs):
            return "cannot open a session that has already ended (end_reason \(Self.show(endReason)), "
                + "ended_at_ms \(Self.show(endedAtMs))); a session is closed by update"
        case .openSessionHasID(let id):
            return "cannot open a session whose id is already set (\(id)); the database assigns ids"
        case .missingID:
            return "cannot update a session without an id; open it first"
        case .inconsistentEnd(let id, let endedAtMs, let endReason):
            return "session \(id): ended_at_ms and end_reason must be set together "
                + "(got ended_at_ms \(Self.show(endedAtMs)), end_reason \(Self.show(endReason)))"
        case .noSuchSession(let id):
            return "no treatment session with id \(id)"
        case .sessionClosed(let id, let endReason):
            return "session \(id) is closed (end_reason \"\(endReason)\"); closed sessions are immutable history"
        }
    }

    private static func show(_ value: String?) -> String {
        value.map { "\"\($0)\"" } ?? "null"
    }

    private static func show(_ value: Int64?) -> String {
        value.map { "\($0)" } ?? "null"
    }
}
