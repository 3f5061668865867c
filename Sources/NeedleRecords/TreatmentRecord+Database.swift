import GRDB

/// GRDB reads and writes `TreatmentRecord` through its Codable conformance, column for
/// coding key. Decoding a row whose value has the wrong type throws (it never traps), so a
/// damaged file surfaces as a `RecordStoreError` rather than a crash.
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
