/// One edge seen on an input line, with the time the backend saw it.
public struct EdgeEvent: Sendable, Equatable {
    /// Monotonic time of the edge in nanoseconds (same time base as `MonotonicClock`).
    public var timestampNs: UInt64
    /// `true` when the line became active, `false` when it became inactive.
    public var becameActive: Bool

    public init(timestampNs: UInt64, becameActive: Bool) {
        self.timestampNs = timestampNs
        self.becameActive = becameActive
    }
}

/// A digital input line (tach, trigger, e-stop, cartridge switch, driver nFAULT).
///
/// `read()` returns the logical level (active-low handled by the backend).
public protocol DigitalInput: AnyObject, Sendable {
    func read() throws(HALError) -> Bool
    /// The next queued edge, or `nil` when none is pending. Lines not requested with edge
    /// detection never have one. Never blocks.
    func nextEdge() throws(HALError) -> EdgeEvent?
}

extension DigitalInput {
    public func nextEdge() throws(HALError) -> EdgeEvent? { nil }

    /// Counts the pending edges that became active and reports the time of the last one,
    /// consuming the queue. Allocation-free: the control loop calls it every tick.
    public func drainActivations() throws(HALError) -> (count: Int, lastNs: UInt64?) {
        var count = 0
        var last: UInt64?
        while let edge = try nextEdge() {
            if edge.becameActive {
                count += 1
                last = edge.timestampNs
            }
        }
        return (count, last)
    }
}
