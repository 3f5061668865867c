import NeedleCore
import NeedleRecords

/// A supervisor's session tally as a treatment record row.
enum SessionRecord {
    /// `startedAtMs`: the wall time the session opened (the tally only knows monotonic time).
    static func record(
        _ tally: SessionTally, backend: String? = nil, startedAtMs: Int64, endedAtMs: Int64?, updatedAtMs: Int64, peerUID: UInt32?, id: Int64?
    ) -> TreatmentRecord {
        TreatmentRecord(
            id: id, startedAtMs: startedAtMs, endedAtMs: tally.end == nil ? nil : endedAtMs, updatedAtMs: updatedAtMs,
            mode: tally.mode.rawValue, area: tally.plan.area, targetDepthMM: tally.plan.targetDepthMM,
            depthMinMM: tally.measuredMinMM.map(round3), depthMeanMM: tally.depthMeanMM.map(round3),
            depthMaxMM: tally.measuredMaxMM.map(round3), speedLevel: tally.plan.speedLevel,
            meanStrokeRateHz: tally.meanStrokeRateHz.map(round3), strokes: tally.strokes,
            motorOnS: round3(Double(tally.motorOnNs) / 1e9), endReason: tally.end?.code,
            cartridgeSerial: tally.cartridge?.serial.text, cartridgeLot: tally.cartridge?.lot.text,
            override: tally.plan.override, peerUID: peerUID.map { Int($0) }, client: tally.plan.client,
            backend: backend)
    }
}
