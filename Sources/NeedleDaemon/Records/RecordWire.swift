import NeedleProtocol
import NeedleRecords

/// Treatment records as the socket sends them (`history`): snake_case keys, times in ISO
/// 8601 UTC, explicit nulls for what is not known.
enum RecordWire {
    static func json(_ r: TreatmentRecord, notes: [SessionNote]) -> JSONValue {
        guard case .object(var fields) = json(r) else { return json(r) }
        fields["notes"] = .array(notes.map { json($0) })
        return .object(fields)
    }

    /// A follow-up note: `{"id","session","at","event","text","uid"}`.
    static func json(_ note: SessionNote) -> JSONValue {
        .object([
            "id": note.id.map { .integer($0) } ?? .null,
            "session": .integer(note.sessionID),
            "at": .string(UTCTime.iso8601(unixMs: note.recordedAtMs)),
            "event": .string(note.event),
            "text": note.text.map { .string($0) } ?? .null,
            "uid": note.peerUID.map { .integer(Int64($0)) } ?? .null,
        ])
    }

    static func json(_ r: TreatmentRecord) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        return .object([
            "id": r.id.map { .integer($0) } ?? .null,
            "started_at": .string(UTCTime.iso8601(unixMs: r.startedAtMs)),
            "ended_at": r.endedAtMs.map { .string(UTCTime.iso8601(unixMs: $0)) } ?? .null,
            "mode": .string(r.mode),
            "area": text(r.area),
            "target_depth_mm": .number(r.targetDepthMM),
            "depth_min_mm": number(r.depthMinMM),
            "depth_mean_mm": number(r.depthMeanMM),
            "depth_max_mm": number(r.depthMaxMM),
            "speed": .integer(Int64(r.speedLevel)),
            "mean_stroke_rate_hz": number(r.meanStrokeRateHz),
            "strokes": .integer(Int64(r.strokes)),
            "motor_on_s": .number(r.motorOnS),
            "end_reason": text(r.endReason),
            "cartridge_serial": text(r.cartridgeSerial),
            "cartridge_lot": text(r.cartridgeLot),
            "override": .bool(r.override),
            "uid": r.peerUID.map { .integer(Int64($0)) } ?? .null,
            "client": text(r.client),
            "backend": text(r.backend),
        ])
    }
}
