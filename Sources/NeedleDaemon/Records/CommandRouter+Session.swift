import NeedleCore
import NeedleProtocol
import NeedleRecords

/// `session`: one record with what its report draws — the trace, the tolerance and the
/// mode's limit, the stroke rate its speed aims at.
extension CommandRouter {
    func session(_ arguments: SessionArguments) -> Result<ResultPayload, ProtocolError> {
        guard let recorder = records else { return .failure(Self.noRecords) }
        let record: TreatmentRecord?
        var stored: RecordedTrace?
        let live = recorder.trace(ofRecord: arguments.id)
        do {
            record = try recorder.store.session(id: arguments.id)
            // The open session's trace is the recorder's; a closed one's is in the records.
            if live == nil { stored = try recorder.store.trace(sessionID: arguments.id) }
        } catch {
            return .failure(ProtocolError(.storageFailed, "treatment records cannot be read: \(error)"))
        }
        guard let record else {
            return .failure(ProtocolError(.unknownSession, "no treatment session \(arguments.id) (needlectl history lists them)"))
        }
        let trace: JSONValue = live.map(Self.json) ?? stored.map(Self.json) ?? .null
        let mode = Mode(rawValue: record.mode)
        return .success(.json(.object([
            "session": RecordWire.json(record),
            "client": record.client.map { .string($0) } ?? .null,
            "tolerance_mm": .number(loop.toleranceMM),
            "limit_mm": mode.map { .number($0.window.limitMM) } ?? .null,
            "target_stroke_rate_hz": .number(round3(Plan.strokeRateHz(level: record.speedLevel))),
            "trace": trace,
        ])))
    }

    /// A stored trace in the same form (micrometres and tenths of a hertz back to mm and Hz).
    static func json(_ trace: RecordedTrace) -> JSONValue {
        .object([
            "t_ms": .array(trace.timeMs.map { .integer($0) }),
            "depth_mm": .array(trace.depthUM.map { $0.map { .number(Double($0) / 1000) } ?? .null }),
            "stroke_rate_hz": .array(trace.strokeRateDHz.map { .number(Double($0) / 10) }),
        ])
    }

    /// `{"t_ms":[…],"depth_mm":[…|null],"stroke_rate_hz":[…]}`: three arrays of one length.
    static func json(_ trace: SessionTrace) -> JSONValue {
        .object([
            "t_ms": .array(trace.samples.map { .integer(Int64($0.timeMs)) }),
            "depth_mm": .array(trace.samples.map { $0.depthMM.isNaN ? .null : .number(round3(Double($0.depthMM))) }),
            "stroke_rate_hz": .array(trace.samples.map { .number((Double($0.strokeRateHz) * 10).rounded() / 10) }),
        ])
    }
}
