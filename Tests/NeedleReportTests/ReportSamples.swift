import NeedleReport

/// A plausible clinical session: 90 s at 1.50 mm, a short loss of trust at 40 s, the rate
/// ramping up to its target after each start.
enum ReportSamples {
    static let facts = SessionReport.Facts(
        session: 3, client: "C-0042", area: "cheeks", mode: "clinical", cartridgeSerial: "CX-0003",
        cartridgeLot: "LOT-B&C", startedAt: "2026-12-02T10:15:04Z", endedAt: "2026-12-02T10:16:40Z",
        endReason: "completed", targetDepthMM: 1.5, toleranceMM: 0.05, limitMM: 3.0, targetStrokeRateHz: 94.4,
        speed: 5, strokes: 8_340, motorOnS: 90, override: false)

    static var samples: [SessionReport.Sample] {
        (0..<900).map { index in
            let t = Double(index) / 10
            let wobble = Double((index * 37) % 11 - 5) / 1000
            let depth: Double? = (400..<404).contains(index) ? nil : 1.5 + wobble
            let rate = min(94.4, Double(index) * 9.44) + Double((index * 13) % 7 - 3) / 2
            return SessionReport.Sample(timeS: t, depthMM: depth, strokeRateHz: max(rate, 0))
        }
    }

    static var report: SessionReport { SessionReport(facts: facts, samples: samples) }
}
