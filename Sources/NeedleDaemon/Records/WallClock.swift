#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Calendar time for treatment records and the interval guard (the control loop runs on
/// the monotonic clock; only records need dates). Tests inject a settable one to stand
/// 27 or 28 days after a session.
public protocol WallClock: Sendable {
    /// Milliseconds since the Unix epoch, UTC.
    func nowUnixMs() -> Int64
}

/// CLOCK_REALTIME.
public struct SystemWallClock: WallClock {
    public init() {}

    public func nowUnixMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
