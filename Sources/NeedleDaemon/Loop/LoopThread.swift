#if canImport(Glibc)
import Glibc
#endif
import NeedleHAL
import NeedleSim
import Synchronization

/// Runs a `ControlLoop` on a dedicated OS thread at a fixed period: absolute-deadline
/// sleeps on CLOCK_MONOTONIC (no drift), SCHED_FIFO when permitted, and a record of how
/// late each wake-up was. Stopping leaves the outputs safe.
public final class LoopThread: Sendable {
    public let loop: ControlLoop
    public let periodNs: UInt64
    private let tickClock: VirtualClock?
    private let fifoPriority: Int32
    private let running = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let grant = Mutex<RealtimeGrant?>(nil)
    private let thread = Mutex<pthread_t?>(nil)
    /// Whether the thread pre-faults its stack and exercises the trip path before its first
    /// tick (always in needled; the bench turns it off to measure what it saves).
    private let prefault: Bool
    /// Whether the thread holds /dev/cpu_dma_latency at 0 µs (always in needled; the bench
    /// turns it off to measure what it saves).
    private let holdsCPULatency: Bool
    /// The thread's own stack (see `LoopStack`), kept until the thread is joined.
    private let stack = Mutex<LoopStack?>(nil)
    /// The open /dev/cpu_dma_latency that holds the CPUs' wake-up latency at 0 µs while the
    /// loop runs (`RealtimeSetup.holdCPULatency`); closed when the thread is joined.
    private let cpuLatency = Mutex<Int32?>(nil)

    /// - Parameter tickClock: the simulated pen's clock, when its time runs in lockstep with
    ///   the ticks: each tick advances it by exactly one period and is stamped with it.
    public init(
        loop: ControlLoop, rateHz: Int, fifoPriority: Int32 = 80, prefault: Bool = true, holdCPULatency: Bool = true,
        tickClock: VirtualClock? = nil
    ) {
        self.holdsCPULatency = holdCPULatency
        self.loop = loop
        self.periodNs = UInt64(1_000_000_000 / max(rateHz, 1))
        self.fifoPriority = fifoPriority
        self.prefault = prefault
        self.tickClock = tickClock
    }

    /// Starts the thread and waits until it has applied its scheduling, so the caller can
    /// log what was granted.
    public func start() throws(DaemonError) -> RealtimeGrant {
        // Lock memory before the loop runs so that no tick ever waits on a page fault.
        let droppedBytes = prefault ? RealtimeSetup.dropStartupCode() : 0
        let (locked, mlockErrno) = RealtimeSetup.lockMemory()
        let latencyHold = holdsCPULatency ? RealtimeSetup.holdCPULatency() : .failure(CPULatencyRefusal(errno: 0))
        if case .success(let fd) = latencyHold { cpuLatency.withLock { $0 = fd } }
        running.store(true, ordering: .sequentiallyConsistent)
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        // After mlockall(MCL_FUTURE): the stack's pages are locked as they are written.
        let ownStack = prefault ? LoopStack() : nil
        stack.withLock { $0 = ownStack }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let ownStack { pthread_attr_setstack(&attributes, ownStack.base, LoopStack.size) }
        let rc = pthread_create(&handle, &attributes, { raw in
            guard let raw else { return nil }
            let this = Unmanaged<LoopThread>.fromOpaque(raw).takeRetainedValue()
            this.run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<LoopThread>.fromOpaque(context).release()
            running.store(false, ordering: .sequentiallyConsistent)
            releaseCPULatency()
            throw .loopThread(errno: rc)
        }
        thread.withLock { $0 = handle }
        while grant.withLock({ $0 }) == nil { usleep(100) }
        var granted = grant.withLock { $0 } ?? RealtimeGrant(fifoPriority: nil, fifoErrno: 0, memoryLocked: false, mlockErrno: 0)
        granted.memoryLocked = locked
        granted.mlockErrno = mlockErrno
        granted.stackPrefaulted = ownStack != nil
        granted.startupCodeDroppedBytes = droppedBytes
        switch latencyHold {
        case .success: granted.cpuLatencyHeld = true
        case .failure(let refusal): granted.cpuLatencyErrno = refusal.errno
        }
        return granted
    }

    /// Stops the loop, joins the thread and drives the outputs safe; returns the lines that
    /// could not be written (empty: every output is safe).
    @discardableResult
    public func stop() -> [OutputWriteFailure] {
        running.store(false, ordering: .sequentiallyConsistent)
        if let handle = thread.withLock({ t -> pthread_t? in defer { t = nil }; return t }) {
            pthread_join(handle, nil)
            stack.withLock { $0 = nil }
        }
        releaseCPULatency()
        return loop.forceSafeReport()
    }

    /// Closes /dev/cpu_dma_latency (the kernel drops the 0 µs request with the descriptor);
    /// takes the descriptor out first, so a second call closes nothing.
    private func releaseCPULatency() {
        if let fd = cpuLatency.withLock({ f -> Int32? in defer { f = nil }; return f }) { close(fd) }
    }

    /// The loop thread's handle while it runs (the bench counts that thread's allocations).
    public var threadHandle: pthread_t? { thread.withLock { $0 } }

    public var isRunning: Bool { running.load(ordering: .relaxed) && !finished.load(ordering: .relaxed) }

    /// The deepest the loop thread's own stack has been used, in bytes (nil: default stack).
    public var stackHighWaterBytes: Int? { stack.withLock { $0?.highWaterBytes() } }

    /// Resident pages of the loop thread's own stack (nil: default stack).
    var stackResidency: (resident: Int, total: Int)? { stack.withLock { $0?.residentPages() } }

    private func run() {
        let (priority, fifoErrno) = RealtimeSetup.requestFIFO(priority: fifoPriority)
        // Before the first tick, on this thread: the first trip's code is run once (on a
        // scratch supervisor: no output is written) so its pages are in and locked.
        let exercised = prefault && TripPathExercise.run(config: loop.configuration, startNs: SystemClockReading.now())
        grant.withLock {
            var granted = RealtimeGrant(fifoPriority: priority, fifoErrno: fifoErrno, memoryLocked: false, mlockErrno: 0)
            granted.tripPathExercised = exercised
            $0 = granted
        }
        var next = timespec()
        clock_gettime(CLOCK_MONOTONIC, &next)
        while running.load(ordering: .relaxed) {
            advance(&next, by: periodNs)
            while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nil) == EINTR {}
            let woke = SystemClockReading.now()
            let deadline = UInt64(next.tv_sec) * 1_000_000_000 + UInt64(next.tv_nsec)
            let lateness = woke > deadline ? woke - deadline : 0
            let overran = lateness >= periodNs
            loop.metrics.recordWake(latenessNs: lateness, overran: overran)
            if let tickClock {
                // The simulated pen lives on tick time: a host that descheduled this thread
                // delays the pen as a whole, and never shows it a gap (see BuiltPen.tickClock).
                tickClock.advance(nanoseconds: periodNs)
                loop.tick(nowNs: tickClock.nowNanoseconds(), progressNs: woke)
            } else {
                loop.tick(nowNs: woke)
            }
            if overran {
                // Skip the missed periods instead of running them back to back.
                let missed = lateness / periodNs
                advance(&next, by: missed * periodNs)
            }
        }
        finished.store(true, ordering: .sequentiallyConsistent)
    }

    private func advance(_ ts: inout timespec, by ns: UInt64) {
        let total = UInt64(ts.tv_nsec) + ns
        ts.tv_sec += Int(total / 1_000_000_000)
        ts.tv_nsec = Int(total % 1_000_000_000)
    }
}
