/// A closed session's depth and stroke-rate trace as the records keep it (`session_trace`):
/// three signals of one length. Stored as text, comma-separated integers: milliseconds since
/// the session opened, depth in micrometres (empty: no trusted depth then), stroke rate in
/// tenths of a hertz — the resolution the report draws, and a file the sqlite3 shell reads.
public struct RecordedTrace: Sendable, Equatable {
    public var timeMs: [Int64]
    public var depthUM: [Int64?]
    public var strokeRateDHz: [Int64]

    /// At most this many samples a signal (10 minutes at 10 Hz; the recorder thins longer
    /// sessions before they get here). A stored trace longer than this is refused as unreadable.
    public static let maxSamples = 6_000

    public init(timeMs: [Int64], depthUM: [Int64?], strokeRateDHz: [Int64]) {
        self.timeMs = timeMs
        self.depthUM = depthUM
        self.strokeRateDHz = strokeRateDHz
    }

    public var count: Int { timeMs.count }

    var timeText: String { timeMs.map(String.init).joined(separator: ",") }
    var depthText: String { depthUM.map { $0.map(String.init) ?? "" }.joined(separator: ",") }
    var rateText: String { strokeRateDHz.map(String.init).joined(separator: ",") }

    /// What the hash chain covers of a trace (nil: the session has none).
    var canonical: String { "\(count);\(timeText);\(depthText);\(rateText)" }

    /// Reads the stored columns back; nil if they are not three lists of `samples` integers.
    init?(samples: Int, time: String, depth: String, rate: String) {
        guard (0...Self.maxSamples).contains(samples) else { return nil }
        func split(_ text: String) -> [Substring] {
            samples == 0 ? [] : text.split(separator: ",", omittingEmptySubsequences: false)
        }
        let times = split(time).compactMap { Int64($0) }
        let rates = split(rate).compactMap { Int64($0) }
        let depthFields = split(depth)
        var depths: [Int64?] = []
        depths.reserveCapacity(depthFields.count)
        for field in depthFields {
            if field.isEmpty {
                depths.append(nil)
            } else if let value = Int64(field) {
                depths.append(value)
            } else {
                return nil
            }
        }
        guard times.count == samples, rates.count == samples, depths.count == samples else { return nil }
        self.init(timeMs: times, depthUM: depths, strokeRateDHz: rates)
    }
}
