/// Measures the stroke rate from tach edges: the mean period between the last strokes,
/// falling towards zero when strokes stop arriving (so a stalled cam reads as stopped, not
/// as its last speed).
struct StrokeRateMeter: Sendable {
    private(set) var lastStrokeNs: UInt64 = 0
    private var smoothedHz = 0.0
    private(set) var totalStrokes = 0

    /// Weight of the newest period in the running mean.
    private let smoothing = 0.3

    mutating func update(strokes: Int, lastStrokeNs newLast: UInt64) {
        guard strokes > 0 else { return }
        totalStrokes += strokes
        if lastStrokeNs != 0, newLast > lastStrokeNs {
            let instantHz = Double(strokes) * 1e9 / Double(newLast - lastStrokeNs)
            smoothedHz = smoothedHz == 0 ? instantHz : smoothedHz + smoothing * (instantHz - smoothedHz)
        }
        lastStrokeNs = newLast
    }

    /// No stroke for this long reads as stopped: the slowest level strokes every 20 ms.
    static let stoppedAfterNs: UInt64 = 100_000_000

    /// The rate now: the smoothed rate, capped by what the time since the last stroke
    /// allows (no stroke for 50 ms means at most 20 Hz), and 0 once the cam has stopped.
    func rateHz(nowNs: UInt64) -> Double {
        guard lastStrokeNs != 0, smoothedHz > 0 else { return 0 }
        let sinceLastNs = nowNs > lastStrokeNs ? nowNs - lastStrokeNs : 0
        if sinceLastNs >= Self.stoppedAfterNs { return 0 }
        let sinceLast = Double(sinceLastNs)
        guard sinceLast > 0 else { return smoothedHz }
        return min(smoothedHz, 1e9 / sinceLast)
    }
}
