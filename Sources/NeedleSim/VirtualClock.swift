import NeedleHAL
import Synchronization

/// A monotonic clock that moves only when told to: tests and the simulator's scenarios
/// step time explicitly, so every simulated run is deterministic.
public final class VirtualClock: MonotonicClock {
    private let now: Atomic<UInt64>

    public init(nanoseconds: UInt64 = 0) {
        now = Atomic(nanoseconds)
    }

    public func nowNanoseconds() -> UInt64 {
        now.load(ordering: .acquiring)
    }

    /// Sets the time. A monotonic clock never goes back, so an earlier value is ignored.
    public func set(nanoseconds: UInt64) {
        _ = now.max(nanoseconds, ordering: .acquiringAndReleasing)
    }

    public func advance(nanoseconds: UInt64) {
        _ = now.wrappingAdd(nanoseconds, ordering: .acquiringAndReleasing)
    }

    public func advance(microseconds: UInt64) {
        advance(nanoseconds: microseconds * 1_000)
    }

    public func advance(milliseconds: UInt64) {
        advance(nanoseconds: milliseconds * 1_000_000)
    }
}
