#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NeedleHAL

/// CLOCK_MONOTONIC in nanoseconds: the same time base as the kernel's GPIO edge-event
/// timestamps, so tick times and tach edges can be compared directly.
public final class LinuxMonotonicClock: MonotonicClock {
    public init() {}

    public func nowNanoseconds() -> UInt64 {
        var ts = timespec()
        // CLOCK_MONOTONIC cannot fail for a valid pointer; a zero reading would be harmless.
        _ = clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
