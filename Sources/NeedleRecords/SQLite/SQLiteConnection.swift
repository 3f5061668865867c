import CSQLite

/// One connection to an SQLite database file, over SQLite's C API. Not thread-safe by
/// itself: its owner serializes every use (TreatmentRecordStore keeps it in a Mutex).
/// Closing happens in deinit; a statement still alive then keeps SQLite's handle open
/// until it is finalized too (sqlite3_close_v2).
final class SQLiteConnection {
    let handle: OpaquePointer

    /// Opens `path` read-write, creating the file if needed. ":memory:" opens a private
    /// in-memory database.
    init(path: String) throws(SQLiteError) {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        guard code == SQLITE_OK, let handle else {
            // SQLite may hand back a handle even on failure; its message is the precise one.
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(handle)
            throw SQLiteError(code: code & 0xFF, message: message)
        }
        self.handle = handle
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// The error SQLite holds for this connection, for a call that returned `code`.
    func error(_ code: Int32) -> SQLiteError {
        SQLiteError(code: code & 0xFF, message: String(cString: sqlite3_errmsg(handle)))
    }

    /// How long a statement waits for another connection's lock before it fails as busy.
    func setBusyTimeout(milliseconds: Int32) throws(SQLiteError) {
        let code = sqlite3_busy_timeout(handle, milliseconds)
        guard code == SQLITE_OK else { throw error(code) }
    }

    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql)
    }

    /// Runs one statement with `arguments` to its end, ignoring any rows it returns.
    func execute(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        while try statement.step() {}
    }

    /// Runs a script of several statements without arguments (a migration, a pragma).
    func executeScript(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard code == SQLITE_OK else {
            throw SQLiteError(
                code: code & 0xFF, message: message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code)))
        }
    }

    /// Every row `sql` returns, each read by `decode` while it is current.
    func fetchAll<T>(_ sql: String, _ arguments: [SQLiteValue] = [], _ decode: (SQLiteRow) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        var rows: [T] = []
        while try statement.step() {
            rows.append(try decode(SQLiteRow(statement: statement)))
        }
        return rows
    }

    /// The first row `sql` returns, or nil if it returns none.
    func fetchOne<T>(_ sql: String, _ arguments: [SQLiteValue] = [], _ decode: (SQLiteRow) throws -> T) throws -> T? {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        return try statement.step() ? decode(SQLiteRow(statement: statement)) : nil
    }

    /// The rowid of the last successful INSERT on this connection.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    enum TransactionKind: String {
        /// Takes the write lock at BEGIN, so a writer never fails half-way on a lock.
        case immediate = "BEGIN IMMEDIATE"
        /// Takes a read snapshot at the first read.
        case deferred = "BEGIN DEFERRED"
    }

    /// Runs `body` in a transaction that commits only if `body` returns; whatever it threw
    /// (or a failed COMMIT) rolls back and is rethrown as it was.
    func transaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
        try executeScript(kind.rawValue)
        do {
            let result = try body()
            try executeScript("COMMIT")
            return result
        } catch {
            // SQLite has already rolled back after some errors (a full disk, say); a
            // ROLLBACK then would only fail with "no transaction is active".
            if sqlite3_get_autocommit(handle) == 0 { try? executeScript("ROLLBACK") }
            throw error
        }
    }
}
