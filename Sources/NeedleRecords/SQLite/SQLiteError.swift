/// A failure SQLite reported: its primary result code (SQLITE_CONSTRAINT is 19 whatever the
/// extended code says) and its message for that failure.
struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    var code: Int32
    var message: String

    var description: String { "SQLite error \(code): \(message)" }
}

/// A row that does not hold what its reader needs: a missing column, NULL where a value is
/// required, or a number out of range. Only a hand-edited file or a query that renames
/// columns can produce one, since the store writes typed values.
struct SQLiteRowError: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String

    var description: String { message }
}
