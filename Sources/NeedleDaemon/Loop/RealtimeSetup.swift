#if canImport(Glibc)
import Glibc
#endif

/// What the process got of the real-time setup it asked for, to be logged at start-up
/// (never from the loop itself).
public struct RealtimeGrant: Sendable, Equatable {
    /// SCHED_FIFO priority granted to the loop thread, or nil with the errno of the refusal.
    public var fifoPriority: Int32?
    public var fifoErrno: Int32
    /// mlockall(MCL_CURRENT | MCL_FUTURE) succeeded (no page faults in the loop).
    public var memoryLocked: Bool
    public var mlockErrno: Int32
    /// The loop thread runs on its own stack, every page written before the first tick.
    public var stackPrefaulted = false
    /// A scratch supervisor tripped on a synthetic over-depth sample on the loop thread
    /// before its first tick (`TripPathExercise`): the trip's code pages are in.
    public var tripPathExercised = false
    /// /dev/cpu_dma_latency is held at 0 µs while the loop runs (see
    /// `RealtimeSetup.holdCPULatency`), or nil with the errno of the refusal.
    public var cpuLatencyHeld = false
    public var cpuLatencyErrno: Int32 = 0
}

enum RealtimeSetup {
    /// Locks all current and future pages; needs CAP_IPC_LOCK or a large RLIMIT_MEMLOCK.
    /// MCL_ONFAULT (Linux 4.4+) locks a page when it is first touched rather than at
    /// mapping: the loop's pages, touched once at start, stay resident, while the 8 MB
    /// stacks of idle threads are not committed whole (76 MB of RSS without it, measured).
    /// Being touched is what pre-loads them: the loop thread's stack is written whole
    /// (`LoopStack`) and its trip path run once (`TripPathExercise`) before the first tick.
    static func lockMemory() -> (Bool, Int32) {
        #if os(Linux)
        let onFault: Int32 = 4  // MCL_ONFAULT, not exported by every Glibc module map
        let rc = mlockall(Int32(MCL_CURRENT | MCL_FUTURE) | onFault)
        return rc == 0 ? (true, 0) : (false, errno)
        #else
        return (false, 0)
        #endif
    }

    /// The kernel's PM QoS file: a process that writes a 32-bit latency bound to it keeps the
    /// CPUs out of idle states slower to leave than that bound, for as long as it keeps the
    /// file open (Documentation/power/pm_qos_interface.rst).
    static let cpuLatencyPath = "/dev/cpu_dma_latency"

    /// Asks for a 0 µs wake-up latency while the loop runs, as cyclictest does by default: a
    /// CPU in a deep idle state (or a virtual CPU halted on its host) wakes late for the next
    /// tick. Measured on this project's 2-core VM, idle (cyclictest -m -p 80 -i 1000 -D 60):
    /// p99 1282 µs without the hold, 81 µs with it. Returns the open descriptor, which holds
    /// the request until it is closed, or the errno of the refusal; the loop then runs without
    /// it (a slower wake-up, never an unsafe one: the tick's deadline checks still apply).
    static func holdCPULatency(path: String = cpuLatencyPath) -> Result<Int32, CPULatencyRefusal> {
        #if os(Linux)
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(CPULatencyRefusal(errno: errno)) }
        var zero: Int32 = 0
        let written = withUnsafeBytes(of: &zero) { write(fd, $0.baseAddress, $0.count) }
        guard written == MemoryLayout<Int32>.size else {
            let error = written < 0 ? errno : EIO
            close(fd)
            return .failure(CPULatencyRefusal(errno: error))
        }
        return .success(fd)
        #else
        return .failure(CPULatencyRefusal(errno: 0))
        #endif
    }

    /// Puts the calling thread under SCHED_FIFO at `priority`; needs CAP_SYS_NICE or
    /// RLIMIT_RTPRIO (systemd: LimitRTPRIO=).
    static func requestFIFO(priority: Int32) -> (Int32?, Int32) {
        #if os(Linux)
        var param = sched_param()
        param.sched_priority = priority
        let rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param)
        return rc == 0 ? (priority, 0) : (nil, rc)
        #else
        return (nil, 0)
        #endif
    }
}

/// Why /dev/cpu_dma_latency could not be held (its errno).
struct CPULatencyRefusal: Error, Equatable {
    var errno: Int32
}
