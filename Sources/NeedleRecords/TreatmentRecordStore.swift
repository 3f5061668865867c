#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The treatment history of the pen: one SQLite file, one row per session.
///
/// Every call is synchronous and durable: once it returns, what it wrote survives a power
/// cut (WAL journal, `synchronous = FULL`). A call may wait for the disk, and for up to
/// the busy timeout if another process holds the file, so the daemon must not call it from
/// the control loop's thread.
///
/// Two connections to the file: one writes (under `lock`, one transaction at a time), the
/// other reads (under `readLock`). WAL lets a read run while a write waits for its fsync,
/// so `history`, `plan` and the interval guard's look-ups never queue behind the recorder
/// (issue 12: 16 clients reading history pushed `status` from 0.6 ms to 269 ms when both
/// shared one connection). An in-memory store has one connection for both.
public final class TreatmentRecordStore: Sendable {
    /// The migration identifiers this build knows, in the order they are applied.
    public static let schemaVersions: [String] = RecordSchema.migrations.map(\.identifier)

    /// How long a call waits for a lock another connection holds before it fails with
    /// SQLite's "database is locked": long enough for a reader such as the sqlite3 shell
    /// to finish, short enough that a stuck reader becomes an error in the journal.
    static let busyTimeoutMs: Int32 = 5_000

    /// Touched only inside `access`, holding `lock` (hence the unsafe opt-out: the mutex,
    /// not the type system, keeps the connection to one thread at a time).
    private nonisolated(unsafe) let connection: SQLiteConnection
    private let lock = Mutex(())
    /// The read connection (nil in memory: reads then use `connection` under `lock`).
    private nonisolated(unsafe) let readConnection: SQLiteConnection?
    private let readLock = Mutex(())
    /// The file's path (nil in memory).
    public let path: String?

    /// Opens the records file at `path`, creating it if needed, and brings its schema up
    /// to date. The directory must exist (the daemon passes
    /// `<state_directory>/treatments.sqlite`). A file written by a newer needled, whose
    /// schema this build does not know, is refused rather than written to.
    public convenience init(path: String) throws(RecordStoreError) {
        try self.init(path: path, onDisk: true)
    }

    /// A store that lives in memory only, for tests: the same schema and checks, nothing
    /// on disk, independent of every other in-memory store.
    public static func inMemory() throws(RecordStoreError) -> TreatmentRecordStore {
        try TreatmentRecordStore(path: ":memory:", onDisk: false)
    }

    private init(path: String, onDisk: Bool) throws(RecordStoreError) {
        let db: SQLiteConnection
        var reader: SQLiteConnection?
        do {
            if onDisk { try Self.restrictToOwner(path) }
            db = try SQLiteConnection(path: path)
            try Self.configure(db, path: path, onDisk: onDisk)
            try RecordSchema.migrate(db, path: path)
            if onDisk {
                // Opened after the migration, so it never sees a half-made schema.
                let opened = try SQLiteConnection(path: path)
                try Self.configure(opened, path: path, onDisk: onDisk)
                reader = opened
            }
        } catch {
            throw Self.openError(path: path, error)
        }
        connection = db
        readConnection = reader
        self.path = onDisk ? path : nil
    }

    /// The migrations applied to the file, in schema order. Equal to `schemaVersions`
    /// once the store is open.
    public func appliedMigrations() throws(RecordStoreError) -> [String] {
        let applied = try read("read applied migrations") { db in try RecordSchema.appliedIdentifiers(db) }
        return Self.schemaVersions.filter(applied.contains)
    }

    /// The connection's settings, set once on the store's one connection, so they hold for
    /// its whole life. WAL lets a reader look at the file while needled writes;
    /// `synchronous = FULL` makes SQLite sync the WAL on every commit, which is what makes
    /// a returned call survive a power cut (NORMAL, the usual WAL choice, may lose the
    /// last commits). Foreign keys are enforced, as they were under GRDB.
    private static func configure(_ db: SQLiteConnection, path: String, onDisk: Bool) throws {
        try db.setBusyTimeout(milliseconds: busyTimeoutMs)
        if onDisk {
            let mode = try db.fetchOne("PRAGMA journal_mode = WAL") { row in try row.value("journal_mode") as String }
            guard mode == "wal" else {
                throw RecordStoreError.cannotOpen(
                    path: path, reason: "SQLite kept journal_mode \(mode ?? "unknown") instead of WAL")
            }
        }
        try db.executeScript("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON")
    }

    /// Records are health data: the file is created (or, from an older needled, made)
    /// owner-only before SQLite opens it, whatever the process umask. SQLite gives the WAL
    /// and SHM files it creates the database's mode; ones left by an older run are narrowed
    /// here too.
    static func restrictToOwner(_ path: String) throws {
        let fd = openOwnerOnly(path)
        guard fd >= 0 else { return }  // SQLite's own open names the problem
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else {
            throw RecordStoreError.cannotOpen(path: path, reason: "cannot make it owner-only: \(String(cString: strerror(errno)))")
        }
        for suffix in ["-wal", "-shm"] { chmod(path + suffix, 0o600) }
    }

    /// SQLite says only "unable to open database file" when the directory is missing;
    /// say so, since that is the usual cause (a state directory not yet created).
    private static func openError(path: String, _ error: any Error) -> RecordStoreError {
        let wrapped = RecordStoreError(openingPath: path, wrapping: error)
        guard case .cannotOpen(_, let reason) = wrapped, let problem = directoryProblem(path) else { return wrapped }
        return .cannotOpen(path: path, reason: "\(reason) (\(problem))")
    }

    /// What is wrong with the directory `path` would be created in, if anything.
    private static func directoryProblem(_ path: String) -> String? {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        var info = stat()
        guard stat(directory, &info) == 0 else { return "directory \(directory) does not exist" }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "\(directory) is not a directory" }
        return nil
    }

    /// Runs `body` in a write transaction and turns any failure into a `RecordStoreError`
    /// naming `operation`. The transaction commits only if `body` returns.
    func write<T: Sendable>(_ operation: String, _ body: (SQLiteConnection) throws -> T) throws(RecordStoreError) -> T {
        try access(.immediate, operation, body)
    }

    /// Runs `body` in a read transaction (one snapshot of the file) on the read connection,
    /// failures as in `write`.
    func read<T: Sendable>(_ operation: String, _ body: (SQLiteConnection) throws -> T) throws(RecordStoreError) -> T {
        guard let readConnection else { return try access(.deferred, operation, body) }
        do {
            return try readLock.withLock { _ in try readConnection.transaction(.deferred) { try body(readConnection) } }
        } catch {
            throw RecordStoreError(wrapping: error, operation: operation)
        }
    }

    /// Runs `body` on the read connection outside a transaction (for VACUUM INTO).
    func withReadConnection<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        if let readConnection { return try readLock.withLock { _ in try body(readConnection) } }
        return try lock.withLock { _ in try body(connection) }
    }

    private func access<T: Sendable>(
        _ kind: SQLiteConnection.TransactionKind, _ operation: String, _ body: (SQLiteConnection) throws -> T
    ) throws(RecordStoreError) -> T {
        do {
            return try lock.withLock { _ in try connection.transaction(kind) { try body(connection) } }
        } catch {
            throw RecordStoreError(wrapping: error, operation: operation)
        }
    }
}

/// `open(2)` creating the file 0600 (a free function: inside the store, `open` names its
/// own method).
private func openOwnerOnly(_ path: String) -> Int32 {
    open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
}
