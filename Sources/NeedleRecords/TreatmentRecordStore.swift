import Foundation
import GRDB

/// The treatment history of the pen: one SQLite file, one row per session.
///
/// Every call is synchronous and durable: once it returns, what it wrote survives a power
/// cut (WAL journal, `synchronous = FULL`). A call may wait for the disk, and for up to
/// the busy timeout if another process holds the file, so the daemon must not call it from
/// the control loop's thread.
///
/// `Sendable` because its only state is a `DatabaseQueue`, which serializes every access
/// on one connection; needled writes a handful of rows per session, so a queue's
/// simplicity is worth more than a pool's concurrent readers.
public final class TreatmentRecordStore: Sendable {
    /// The migration identifiers this build knows, in the order they are applied.
    public static let schemaVersions: [String] = RecordSchema.migrator.migrations

    /// How long a call waits for a lock another connection holds before it fails with
    /// SQLite's "database is locked": long enough for a reader such as the sqlite3 shell
    /// to finish, short enough that a stuck reader becomes an error in the journal.
    static let busyTimeoutS: Double = 5

    let database: DatabaseQueue

    /// Opens the records file at `path`, creating it if needed, and brings its schema up
    /// to date. The directory must exist (the daemon passes
    /// `<state_directory>/treatments.sqlite`). A file written by a newer needled, whose
    /// schema this build does not know, is refused rather than written to.
    public convenience init(path: String) throws(RecordStoreError) {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: Self.configuration(path: path, onDisk: true))
        } catch {
            throw Self.openError(path: path, error)
        }
        try self.init(queue: queue, path: path)
    }

    /// A store that lives in memory only, for tests: the same schema and checks, nothing
    /// on disk, independent of every other in-memory store.
    public static func inMemory() throws(RecordStoreError) -> TreatmentRecordStore {
        let path = ":memory:"  // only for error messages
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: configuration(path: path, onDisk: false))
        } catch {
            throw RecordStoreError(openingPath: path, wrapping: error)
        }
        return try TreatmentRecordStore(queue: queue, path: path)
    }

    private init(queue: DatabaseQueue, path: String) throws(RecordStoreError) {
        self.database = queue
        let migrator = RecordSchema.migrator
        do {
            let unknown = try queue.read { db in
                try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
            }
            guard unknown.isEmpty else {
                throw RecordStoreError.schemaTooNew(path: path, unknownMigrations: unknown.sorted())
            }
            try migrator.migrate(queue)
        } catch {
            throw RecordStoreError(openingPath: path, wrapping: error)
        }
    }

    /// The migrations applied to the file, in schema order. Equal to `schemaVersions`
    /// once the store is open.
    public func appliedMigrations() throws(RecordStoreError) -> [String] {
        try read("read applied migrations") { db in try RecordSchema.migrator.appliedMigrations(db) }
    }

    /// The connection's settings, applied by GRDB each time it opens the connection (a
    /// queue opens exactly one), so they hold for the store's whole life. WAL lets a
    /// reader look at the file while needled writes; `synchronous = FULL` makes SQLite
    /// sync the WAL on every commit, which is what makes a returned call survive a power
    /// cut (GRDB's own WAL setting would choose NORMAL, which may lose the last commits).
    static func configuration(path: String, onDisk: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.label = "needled.treatment-records"
        configuration.busyMode = .timeout(busyTimeoutS)
        configuration.prepareDatabase { db in
            if onDisk {
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode == "wal" else {
                    throw RecordStoreError.cannotOpen(
                        path: path, reason: "SQLite kept journal_mode \(mode ?? "unknown") instead of WAL")
                }
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }

    /// SQLite says only "unable to open database file" when the directory is missing;
    /// say so, since that is the usual cause (a state directory not yet created).
    private static func openError(path: String, _ error: any Error) -> RecordStoreError {
        let wrapped = RecordStoreError(openingPath: path, wrapping: error)
        guard case .cannotOpen(_, let reason) = wrapped else { return wrapped }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            return .cannotOpen(path: path, reason: "\(reason) (directory \(directory) does not exist)")
        }
        if !isDirectory.boolValue {
            return .cannotOpen(path: path, reason: "\(reason) (\(directory) is not a directory)")
        }
        return wrapped
    }

    /// Runs `body` in a write transaction and turns any failure into a `RecordStoreError`
    /// naming `operation`. The transaction commits only if `body` returns.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(RecordStoreError) -> T {
        do {
            return try database.write(body)
        } catch {
            throw RecordStoreError(wrapping: error, operation: operation)
        }
    }

    /// Runs `body` in a read transaction, failures as in `write`.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(RecordStoreError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw RecordStoreError(wrapping: error, operation: operation)
        }
    }
}
