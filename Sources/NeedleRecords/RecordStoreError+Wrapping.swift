import GRDB

extension RecordStoreError {
    /// Turns whatever a database access threw into the store's one error type. A
    /// `RecordStoreError` thrown inside a transaction (a refused update) passes through as
    /// it is; SQLite's errors keep their result code and message text. The other errors GRDB
    /// throws on the store's paths come from decoding a stored row (RowDecodingError,
    /// DecodingError), so they are reported as a row that could not be read.
    init(wrapping error: any Error, operation: String) {
        switch error {
        case let error as RecordStoreError:
            self = error
        case let error as DatabaseError:
            self = .sqlite(
                operation: operation, code: error.resultCode.rawValue,
                message: error.message ?? "(SQLite gave no message)")
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
        case let error as DatabaseError:
            self = .cannotOpen(
                path: path,
                reason: "SQLite error \(error.resultCode.rawValue): \(error.message ?? "(no message)")")
        default:
            self = .cannotOpen(path: path, reason: String(describing: error))
        }
    }
}
