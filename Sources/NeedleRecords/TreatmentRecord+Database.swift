import GRDB

/// GRDB reads and writes `TreatmentRecord` through its Codable conformance, column for
/// coding key. A row that lacks a value the record needs (NULL or a missing column) makes
/// decoding throw, never trap, so it surfaces as a `RecordStoreError`. A value of another
/// type is converted as SQLite's own casts do (text to 0 in an integer column); only a
/// hand-edited file can hold one, since the store writes typed values.
extension TreatmentRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "treatment_session"

    /// The columns the store's queries filter and order on, named from the coding keys so
    /// a query cannot drift from what the record writes. Not `Columns`: that name is
    /// GRDB's public `TableRecord.Columns` requirement and would have to be public.
    enum SessionColumns {
        static let id = Column(CodingKeys.id)
        static let startedAtMs = Column(CodingKeys.startedAtMs)
        static let area = Column(CodingKeys.area)
        static let endReason = Column(CodingKeys.endReason)
    }
}
