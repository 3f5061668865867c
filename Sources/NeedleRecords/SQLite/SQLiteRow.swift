/// The current row of a statement, read by column name with typed, throwing accessors:
/// NULL where a value is required, or a missing column, is an error, never a trap.
struct SQLiteRow {
    let statement: SQLiteStatement

    /// The column's value; throws if the column is missing or NULL.
    func value<T: SQLiteColumnValue>(_ column: String) throws(SQLiteRowError) -> T {
        guard let value: T = try optional(column) else {
            throw SQLiteRowError(message: "column \(column) is NULL where a \(T.self) is required")
        }
        return value
    }

    /// The column's value, nil for NULL; throws if the column is missing.
    func optional<T: SQLiteColumnValue>(_ column: String) throws(SQLiteRowError) -> T? {
        guard let index = statement.columnIndex(named: column) else {
            throw SQLiteRowError(message: "the row has no column \(column)")
        }
        if statement.isNull(index) { return nil }
        return try T.read(statement, index, column: column)
    }
}

/// A Swift type a column is read as.
protocol SQLiteColumnValue {
    static func read(_ statement: SQLiteStatement, _ index: Int32, column: String) throws(SQLiteRowError) -> Self
}

extension Int64: SQLiteColumnValue {
    static func read(_ statement: SQLiteStatement, _ index: Int32, column: String) -> Int64 {
        statement.int64(index)
    }
}

extension Int: SQLiteColumnValue {
    /// Exact or an error: Int is 32 bits on a 32-bit Raspberry Pi OS.
    static func read(_ statement: SQLiteStatement, _ index: Int32, column: String) throws(SQLiteRowError) -> Int {
        let stored = statement.int64(index)
        guard let value = Int(exactly: stored) else {
            throw SQLiteRowError(message: "column \(column) holds \(stored), out of range for Int")
        }
        return value
    }
}

extension Double: SQLiteColumnValue {
    static func read(_ statement: SQLiteStatement, _ index: Int32, column: String) -> Double {
        statement.double(index)
    }
}

extension String: SQLiteColumnValue {
    static func read(_ statement: SQLiteStatement, _ index: Int32, column: String) -> String {
        statement.text(index)
    }
}

extension Bool: SQLiteColumnValue {
    /// Any non-zero integer is true, as SQLite's own boolean tests read it.
    static func read(_ statement: SQLiteStatement, _ index: Int32, column: String) -> Bool {
        statement.int64(index) != 0
    }
}
