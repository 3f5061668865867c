#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Records queries are background work next to `status` and `stop`: the pool thread that
/// runs one lowers its own scheduling priority (nice 10; Linux keeps niceness per thread),
/// so that on the pen's two cores the event loops get the CPU first when both want it.
/// Lowering needs no privilege; a thread already lowered is left as it is.
enum BackgroundPriority {
    static let niceness: Int32 = 10

    static func lower() {
        #if os(Linux)
        // Who 0 with PRIO_PROCESS is the calling thread on Linux (setpriority(2), BUGS).
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        guard errno == 0, current < niceness else { return }
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }
}
