/// How `TreatmentRecord` maps to a row of `treatment_session`: the column names spelled
/// out once, the values written in that order, and the record read back by name.
extension TreatmentRecord {
    static let table = "treatment_session"

    /// Every column of `treatment_session`, `id` first, in the order `values` writes them.
    enum Column: String, CaseIterable {
        case id
        case startedAtMs = "started_at_ms"
        case endedAtMs = "ended_at_ms"
        case updatedAtMs = "updated_at_ms"
        case mode
        case area
        case targetDepthMM = "target_depth_mm"
        case depthMinMM = "depth_min_mm"
        case depthMeanMM = "depth_mean_mm"
        case depthMaxMM = "depth_max_mm"
        case speedLevel = "speed_level"
        case meanStrokeRateHz = "mean_stroke_rate_hz"
        case strokes
        case motorOnS = "motor_on_s"
        case endReason = "end_reason"
        case cartridgeSerial = "cartridge_serial"
        case cartridgeLot = "cartridge_lot"
        case override
        case peerUID = "peer_uid"
        case client
        case backend

        /// Every column but `id`, which the database assigns.
        static let written = allCases.dropFirst()
    }

    /// The values of `Column.written`, in that order.
    var values: [SQLiteValue] {
        [
            SQLiteValue(startedAtMs), SQLiteValue(endedAtMs), SQLiteValue(updatedAtMs), SQLiteValue(mode),
            SQLiteValue(area), SQLiteValue(targetDepthMM), SQLiteValue(depthMinMM), SQLiteValue(depthMeanMM),
            SQLiteValue(depthMaxMM), SQLiteValue(speedLevel), SQLiteValue(meanStrokeRateHz), SQLiteValue(strokes),
            SQLiteValue(motorOnS), SQLiteValue(endReason), SQLiteValue(cartridgeSerial), SQLiteValue(cartridgeLot),
            SQLiteValue(override), SQLiteValue(peerUID), SQLiteValue(client), SQLiteValue(backend),
        ]
    }

    static let selectSQL = "SELECT \(Column.allCases.map(\.rawValue).joined(separator: ", ")) FROM \(table)"

    /// The records `clause` (a WHERE and/or ORDER BY, with `?` for `arguments`) selects.
    static func fetch(_ db: SQLiteConnection, _ clause: String, _ arguments: [SQLiteValue] = []) throws
        -> [TreatmentRecord]
    {
        try db.fetchAll(selectSQL + " " + clause, arguments, TreatmentRecord.init(row:))
    }

    static let insertSQL =
        "INSERT INTO \(table) (\(Column.written.map(\.rawValue).joined(separator: ", "))) VALUES ("
        + Column.written.map { _ in "?" }.joined(separator: ", ") + ")"

    /// Writes every column of one row; the id is the last argument.
    static let updateSQL =
        "UPDATE \(table) SET \(Column.written.map { "\($0.rawValue) = ?" }.joined(separator: ", ")) WHERE id = ?"

    /// Reads a row by column name, so any query that names the columns can be decoded.
    init(row: SQLiteRow) throws(SQLiteRowError) {
        self.init(
            id: try row.optional(.id),
            startedAtMs: try row.value(.startedAtMs),
            endedAtMs: try row.optional(.endedAtMs),
            updatedAtMs: try row.value(.updatedAtMs),
            mode: try row.value(.mode),
            area: try row.optional(.area),
            targetDepthMM: try row.value(.targetDepthMM),
            depthMinMM: try row.optional(.depthMinMM),
            depthMeanMM: try row.optional(.depthMeanMM),
            depthMaxMM: try row.optional(.depthMaxMM),
            speedLevel: try row.value(.speedLevel),
            meanStrokeRateHz: try row.optional(.meanStrokeRateHz),
            strokes: try row.value(.strokes),
            motorOnS: try row.value(.motorOnS),
            endReason: try row.optional(.endReason),
            cartridgeSerial: try row.optional(.cartridgeSerial),
            cartridgeLot: try row.optional(.cartridgeLot),
            override: try row.value(.override),
            peerUID: try row.optional(.peerUID),
            client: try row.optional(.client),
            backend: try row.optional(.backend))
    }
}

extension SQLiteRow {
    fileprivate func value<T: SQLiteColumnValue>(_ column: TreatmentRecord.Column) throws(SQLiteRowError) -> T {
        try value(column.rawValue)
    }

    fileprivate func optional<T: SQLiteColumnValue>(_ column: TreatmentRecord.Column) throws(SQLiteRowError) -> T? {
        try optional(column.rawValue)
    }
}
