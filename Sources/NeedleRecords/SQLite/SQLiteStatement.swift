import CSQLite

/// A prepared statement of one connection; finalized in deinit. Column reads are valid
/// only while `step` has just returned true.
final class SQLiteStatement {
    let handle: OpaquePointer
    /// Kept so the connection outlives its statements and can report their errors.
    let connection: SQLiteConnection
    /// Column index by name, built on first lookup; the leftmost of equal names wins.
    private var indexByName: [String: Int32]?

    init(connection: SQLiteConnection, sql: String) throws(SQLiteError) {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v2(connection.handle, sql, -1, &handle, nil)
        guard code == SQLITE_OK, let handle else { throw connection.error(code) }
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `values` to the parameters ?1, ?2, … in order. Text is copied by SQLite.
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
            case .real(let number): code = sqlite3_bind_double(handle, index, number)
            case .text(let text): code = needle_sqlite3_bind_text_copy(handle, index, text, -1)
            }
            guard code == SQLITE_OK else { throw connection.error(code) }
        }
    }

    /// Advances to the next row: true while there is one, false once the statement is done.
    func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw connection.error(code)
        }
    }

    func columnIndex(named name: String) -> Int32? {
        if indexByName == nil {
            var names: [String: Int32] = [:]
            for index in 0..<sqlite3_column_count(handle) where names[columnName(index)] == nil {
                names[columnName(index)] = index
            }
            indexByName = names
        }
        return indexByName?[name]
    }

    func columnName(_ index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }
    /// Numbers are read with SQLite's own conversions (text that is no number reads as 0).
    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
    func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }
    func text(_ index: Int32) -> String { sqlite3_column_text(handle, index).map { String(cString: $0) } ?? "" }
}
