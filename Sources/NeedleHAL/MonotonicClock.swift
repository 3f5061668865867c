/// A monotonic time source in nanoseconds. Named so as not to shadow Swift's own `Clock`.
/// The daemon reads it once per tick and hands the value to the core; the simulator and the
/// tests use a virtual one.
public protocol MonotonicClock: AnyObject, Sendable {
    func nowNanoseconds() -> UInt64
}
