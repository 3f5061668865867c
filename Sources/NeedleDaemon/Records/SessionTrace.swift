import NeedleRecords

/// How a session's depth and stroke rate went, sampled at about 10 Hz by the recorder from
/// the status the loop publishes (never in a tick). Bounded: at most `capacity` samples
/// (10 minutes at 10 Hz); a longer session keeps its whole span at half the rate each time
/// the buffer fills (every other sample is dropped and the stride doubles), so memory never
/// grows past the bound and the chart still covers the whole session.
struct SessionTrace: Sendable, Equatable {
    static let capacity = 6_000
    static let periodMs: Int64 = 100

    struct Sample: Sendable, Equatable {
        /// Since the session opened.
        var timeMs: Int32
        /// NaN: no trusted depth at that moment.
        var depthMM: Float
        var strokeRateHz: Float
    }

    private(set) var samples: [Sample] = []
    /// Every `stride`-th sample offered is kept.
    private(set) var stride = 1
    private var offered = 0

    init() {
        samples.reserveCapacity(Self.capacity)
    }

    mutating func append(timeMs: Int64, depthMM: Double?, strokeRateHz: Double) {
        defer { offered += 1 }
        guard offered % stride == 0 else { return }
        if samples.count == Self.capacity {
            samples = samples.enumerated().compactMap { $0.offset % 2 == 0 ? $0.element : nil }
            stride *= 2
            guard offered % stride == 0 else { return }
        }
        samples.append(Sample(
            timeMs: Int32(clamping: timeMs), depthMM: depthMM.map { Float($0) } ?? .nan,
            strokeRateHz: Float(strokeRateHz)))
    }

    /// As the records keep it: micrometres and tenths of a hertz, the resolution the report
    /// draws (the wire rounds to the same).
    var recorded: RecordedTrace {
        RecordedTrace(
            timeMs: samples.map { Int64($0.timeMs) },
            depthUM: samples.map { $0.depthMM.isNaN ? nil : Int64((Double($0.depthMM) * 1000).rounded()) },
            strokeRateDHz: samples.map { Int64((Double($0.strokeRateHz) * 10).rounded()) })
    }
}
