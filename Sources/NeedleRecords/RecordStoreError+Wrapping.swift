extension RecordStoreError {
    /// Turns whatever a database access threw into the store's one error type. A
    /// `RecordStoreError` thrown inside a transaction (a refused update) passes through as
    /// it is; SQLite's errors keep their result code and message text; a row that could
    /// not be decoded is reported as such.
    init(wrapping error: any Error, operation: String) {
        switch error {
        case let error as RecordStoreError:
            self = error
        case let error as SQLiteError:
            self = .sqlite(operation: operation, code: error.code, message: error.message)
        case let error as SQLiteRowError:
            self = .unreadableRow(operation: operation, message: error.message)
        default:
            self = .unreadableRow(operation: operation, message: String(describing: error))
        }
    }

    /// The same for failures while opening or migrating: they name the file, since the
    /// daemon cannot do anything with its records until that file is fixed.
    init(openingPath path: String, wrapping error: any Error) {
        switch error {
        case let error as RecordStoreError:
            self = error
        default:
            self = .cannotOpen(path: path, reason: String(describing: error))
        }
    }
}
