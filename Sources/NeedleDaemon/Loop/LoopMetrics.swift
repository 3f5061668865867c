import Synchronization

/// What the control loop measures about itself: wake-up lateness (jitter), tick cost and
/// the latency of over-depth trips. Storage is allocated once at start; recording never
/// allocates, so it can run inside a tick. Readers copy out under the lock.
public final class LoopMetrics: Sendable {
    /// Jitter histogram resolution and range: 1 µs buckets up to 20 ms, then overflow.
    static let bucketCount = 20_001
    static let tripCapacity = 8192

    private struct Storage: ~Copyable {
        var jitterBuckets: UnsafeMutableBufferPointer<UInt64>
        var trips: UnsafeMutableBufferPointer<UInt64>
        var tripCount = 0
        var ticks: UInt64 = 0
        var overruns: UInt64 = 0
        var maxJitterNs: UInt64 = 0
        var maxTickCostNs: UInt64 = 0

        init() {
            jitterBuckets = .allocate(capacity: LoopMetrics.bucketCount)
            jitterBuckets.initialize(repeating: 0)
            trips = .allocate(capacity: LoopMetrics.tripCapacity)
            trips.initialize(repeating: 0)
        }

        deinit {
            jitterBuckets.deallocate()
            trips.deallocate()
        }
    }

    private let storage = Mutex(Storage())
    /// Time of the last completed tick: the systemd watchdog is fed only while this moves.
    public let lastTickNs = Atomic<UInt64>(0)

    public init() {}

    func recordWake(latenessNs: UInt64, overran: Bool) {
        storage.withLock { s in
            s.ticks += 1
            if overran { s.overruns += 1 }
            s.maxJitterNs = max(s.maxJitterNs, latenessNs)
            let bucket = min(Int(latenessNs / 1000), LoopMetrics.bucketCount - 1)
            s.jitterBuckets[bucket] += 1
        }
    }

    func recordTickCost(_ ns: UInt64) {
        storage.withLock { s in s.maxTickCostNs = max(s.maxTickCostNs, ns) }
    }

    func recordTrip(latencyNs: UInt64) {
        storage.withLock { s in
            s.trips[s.tripCount % LoopMetrics.tripCapacity] = latencyNs
            s.tripCount += 1
        }
    }

    /// Overruns and the worst lateness so far: cheap enough to poll from the journal.
    public func lateness() -> (overruns: UInt64, maxJitterNs: UInt64) {
        storage.withLock { s in (s.overruns, s.maxJitterNs) }
    }

    /// A copy of the measurements so far (allocates: call it off the loop thread).
    public func snapshot() -> Snapshot {
        storage.withLock { s in
            let kept = min(s.tripCount, LoopMetrics.tripCapacity)
            return Snapshot(
                ticks: s.ticks, overruns: s.overruns, maxJitterNs: s.maxJitterNs,
                maxTickCostNs: s.maxTickCostNs, jitterHistogramUs: Array(s.jitterBuckets),
                tripLatenciesNs: Array(s.trips[0..<kept]))
        }
    }

    public func reset() {
        storage.withLock { s in
            s.jitterBuckets.update(repeating: 0)
            s.tripCount = 0
            s.ticks = 0
            s.overruns = 0
            s.maxJitterNs = 0
            s.maxTickCostNs = 0
        }
    }

    public struct Snapshot: Sendable {
        public var ticks: UInt64
        public var overruns: UInt64
        public var maxJitterNs: UInt64
        public var maxTickCostNs: UInt64
        /// Count of wake-ups per microsecond of lateness (last bucket: 20 ms or more).
        public var jitterHistogramUs: [UInt64]
        public var tripLatenciesNs: [UInt64]

        /// The lateness, in µs, below which `fraction` of the wake-ups fell.
        public func jitterPercentileUs(_ fraction: Double) -> Double {
            let total = jitterHistogramUs.reduce(0, +)
            guard total > 0 else { return 0 }
            let wanted = UInt64((Double(total) * fraction).rounded(.up))
            var seen: UInt64 = 0
            for (us, count) in jitterHistogramUs.enumerated() {
                seen += count
                if seen >= wanted { return Double(us) }
            }
            return Double(jitterHistogramUs.count - 1)
        }
    }
}
