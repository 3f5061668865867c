import NIOCore

/// What one control connection may cost the daemon. A local client can be buggy or hostile
/// (a script in a tight loop, a `watch` that never reads); none of them may stall the
/// others or grow the daemon's memory without bound.
public struct ClientLimits: Sendable, Hashable {
    /// Sustained requests per second per connection (token-bucket refill rate).
    public var requestsPerSecond: Int
    /// Requests a connection may send back to back before the rate applies (bucket size).
    public var burst: Int
    /// Requests answered `rate_limited` within one second after which the connection is
    /// dropped: it keeps flooding instead of backing off.
    public var floodLimit: Int
    /// A connection that sends no complete request for this long is closed, unless it is
    /// watching. Bytes without a newline do not count: a trickle keeps nothing alive.
    public var idleTimeout: TimeAmount
    /// Reply bytes queued for a client that does not read them; beyond this it is dropped.
    public var maxPendingWriteBytes: Int
    /// A client (a watcher above all) that leaves what it was sent unread for this long is
    /// dropped: a `watch` that does not read holds no slot.
    public var drainTimeout: TimeAmount
    /// A connection let in on a slot reserved for `stop` must send its request within this.
    public var stopSlotTimeout: TimeAmount

    public init(
        requestsPerSecond: Int = 50, burst: Int = 50, floodLimit: Int = 100,
        idleTimeout: TimeAmount = .seconds(60), maxPendingWriteBytes: Int = 256 * 1024,
        drainTimeout: TimeAmount = .seconds(5), stopSlotTimeout: TimeAmount = .seconds(2)
    ) {
        self.requestsPerSecond = max(1, requestsPerSecond)
        self.burst = max(1, burst)
        self.floodLimit = max(1, floodLimit)
        self.idleTimeout = idleTimeout
        self.maxPendingWriteBytes = max(2, maxPendingWriteBytes)
        self.drainTimeout = drainTimeout
        self.stopSlotTimeout = stopSlotTimeout
    }

    /// How often a connection checks its idle, drain and role deadlines.
    var housekeepingInterval: TimeAmount {
        let shortest = min(idleTimeout.nanoseconds, drainTimeout.nanoseconds, stopSlotTimeout.nanoseconds)
        return .nanoseconds(max(10_000_000, shortest / 10))
    }
}

/// A token bucket on a monotonic nanosecond clock: `burst` tokens, refilled at `rate`/s.
struct TokenBucket: Sendable {
    let capacity: Double
    let ratePerNs: Double
    private var tokens: Double
    private var lastNs: UInt64

    init(rate: Int, burst: Int, nowNs: UInt64) {
        capacity = Double(max(1, burst))
        ratePerNs = Double(max(1, rate)) / 1e9
        tokens = capacity
        lastNs = nowNs
    }

    /// Takes one token if there is one.
    mutating func take(nowNs: UInt64) -> Bool {
        if nowNs > lastNs {
            tokens = min(capacity, tokens + Double(nowNs - lastNs) * ratePerNs)
            lastNs = nowNs
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Counts events in fixed one-second windows (for the flood limit).
struct WindowCounter: Sendable {
    private var windowStartNs: UInt64 = 0
    private(set) var count = 0

    /// Records one event; returns the count in the current window including it.
    mutating func record(nowNs: UInt64, windowNs: UInt64 = 1_000_000_000) -> Int {
        if nowNs &- windowStartNs >= windowNs || nowNs < windowStartNs {
            windowStartNs = nowNs
            count = 0
        }
        count += 1
        return count
    }
}
