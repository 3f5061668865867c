#if canImport(Glibc)
import Glibc
#endif
import NeedleLinux

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
    /// Bytes of the executable's start-up code unmapped before memory was locked
    /// (`RealtimeSetup.dropStartupCode`).
    public var startupCodeDroppedBytes = 0
    public var cpuLatencyHeld = false
    public var cpuLatencyErrno: Int32 = 0
}

public enum RealtimeSetup {
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

    /// Unmaps the resident pages of the executable's own code mapping, so
    /// that `mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)` locks only what runs after
    /// start-up. Why: locking is for the pages the loop and the socket touch; the pages of
    /// argument, configuration and records set-up ran once and, locked, would hold RAM for
    /// the process' life (the kernel's fault-around maps 64 KiB around every touched code
    /// page, measured 8.9 MB of needled's 45 MB text resident 2 s after READY=1). Clean file
    /// pages stay in the page cache, so a later touch is a minor fault, and the loop's own
    /// path is touched again by `TripPathExercise` before its first tick, after this.
    /// Returns the bytes advised away. Called before `lockMemory` (madvise refuses locked
    /// ranges) and never from the loop.
    static func dropStartupCode() -> Int {
        #if os(Linux)
        // /proc/self/maps of needled is a few KiB; 1 MiB bounds it.
        guard case .success(let maps) = FileSystem.read("/proc/self/maps", limit: 1 << 20),
              let exe = executablePath() else { return 0 }
        var dropped = 0
        for line in maps.utf8.split(separator: UInt8(ascii: "\n")) {
            // "start-end perms offset dev inode path"
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
            guard fields.count >= 6, String(decoding: fields[5], as: UTF8.self) == exe else { continue }
            let perms = Array(fields[1])
            // Only the code ("r-xp"): its pages are the file's, never written. A read-only
            // data mapping may hold RELRO pages (relocated at load, then made read-only):
            // advised away, they would come back from the file unrelocated (seen: a crash
            // on the first pointer read from one).
            guard perms.count >= 3, perms[0] == UInt8(ascii: "r"), perms[1] == UInt8(ascii: "-"),
                  perms[2] == UInt8(ascii: "x") else { continue }
            let range = fields[0].split(separator: UInt8(ascii: "-"))
            guard range.count == 2,
                  let start = UInt(String(decoding: range[0], as: UTF8.self), radix: 16),
                  let end = UInt(String(decoding: range[1], as: UTF8.self), radix: 16), end > start,
                  let address = UnsafeMutableRawPointer(bitPattern: start)
            else { continue }
            if madvise(address, Int(end - start), MADV_DONTNEED) == 0 { dropped += Int(end - start) }
        }
        return dropped
        #else
        return 0
        #endif
    }

    #if os(Linux)
    /// This process's executable, from /proc/self/exe (nil when it cannot be read).
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    #endif

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
