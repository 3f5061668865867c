import Glibc
import Synchronization

/// Where the watchdog feeder learns whether the control loop is alive: the time of the last
/// completed tick and the loop's period, both on CLOCK_MONOTONIC nanoseconds.
public protocol LoopProgressSource: Sendable {
    /// CLOCK_MONOTONIC time of the last completed tick; 0 before the first one.
    var lastProgressNs: UInt64 { get }
    var periodNs: UInt64 { get }
}

extension LoopThread: LoopProgressSource {
    public var lastProgressNs: UInt64 { loop.metrics.lastTickNs.load(ordering: .acquiring) }
}

/// Feeds systemd's watchdog (DESIGN §3 rule 5) — but only with the control loop's consent.
///
/// Every `interval` (half of `$WATCHDOG_USEC`) it looks at the loop's last tick; it sends
/// `WATCHDOG=1` only when that tick is at most `stallPeriods` periods old. A stalled loop
/// therefore stops the pings, and systemd kills and restarts the daemon after `WatchdogSec=`
/// (the hardware monostable has long cut the motor by then). The feeder has no other reason
/// to ping: it is not a timer that pings regardless.
///
/// It runs on its own thread (not a NIO event loop, not the control loop) and never touches
/// the control loop except for one atomic load per check.
public final class WatchdogFeeder: Sendable {
    /// The loop counts as alive when its last tick is at most this many periods old.
    public static let stallPeriods: UInt64 = 10

    public enum Verdict: Sendable, Hashable {
        /// Progress within the deadline: ping sent.
        case fed
        /// No tick yet or the last one is too old: no ping.
        case stalled(ageNs: UInt64?)
        /// The ping could not be sent (the error is reported once per change).
        case sendFailed(SystemdError)
    }

    public let intervalNs: UInt64
    private let notifier: SystemdNotifier
    private let progress: any LoopProgressSource
    private let now: @Sendable () -> UInt64
    private let report: @Sendable (Verdict) -> Void
    private let running = Atomic<Bool>(false)
    private let thread = Mutex<pthread_t?>(nil)
    private let wake = WakeSignal()

    /// - Parameters:
    ///   - interval: time between checks (half the watchdog timeout).
    ///   - now: CLOCK_MONOTONIC in ns (injectable for tests).
    ///   - report: called with each verdict that differs from the previous one (stall
    ///     began, progress resumed, send failed), off the control loop; use it to log.
    public init(
        notifier: SystemdNotifier, progress: any LoopProgressSource, intervalNs: UInt64,
        now: @escaping @Sendable () -> UInt64 = { SystemMonotonicClock().nowNanoseconds() },
        report: @escaping @Sendable (Verdict) -> Void = { _ in }
    ) {
        self.notifier = notifier
        self.progress = progress
        self.intervalNs = max(intervalNs, 1_000_000)
        self.now = now
        self.report = report
    }

    /// Half of `$WATCHDOG_USEC` in ns, or nil when the watchdog is off or meant for another
    /// process (`$WATCHDOG_PID` set to a pid that is not ours).
    public static func interval(from environment: ServiceEnvironment = .process, pid: Int32 = getpid()) throws(SystemdError) -> UInt64? {
        guard let text = environment["WATCHDOG_USEC"], !text.isEmpty else { return nil }
        guard let usec = UInt64(text), usec > 0 else { throw .invalidEnvironment(name: "WATCHDOG_USEC", value: text) }
        if let owner = environment["WATCHDOG_PID"], !owner.isEmpty {
            guard let ownerPID = Int32(owner) else { throw .invalidEnvironment(name: "WATCHDOG_PID", value: owner) }
            if ownerPID != pid { return nil }
        }
        let (ns, overflow) = usec.multipliedReportingOverflow(by: 1000)
        return overflow ? UInt64.max / 2 : ns / 2
    }

    /// Whether a loop whose last tick was at `lastTickNs` counts as alive at `nowNs`.
    public static func isAlive(lastTickNs: UInt64, periodNs: UInt64, nowNs: UInt64) -> Bool {
        guard lastTickNs != 0 else { return false }
        guard nowNs > lastTickNs else { return true }
        return nowNs - lastTickNs <= stallPeriods * max(periodNs, 1)
    }

    /// One check: pings when the loop made progress within its deadline.
    @discardableResult
    public func check() -> Verdict {
        let last = progress.lastProgressNs
        let at = now()
        guard Self.isAlive(lastTickNs: last, periodNs: progress.periodNs, nowNs: at) else {
            return .stalled(ageNs: last == 0 ? nil : at &- last)
        }
        do {
            try notifier.notify(.watchdog)
            return .fed
        } catch {
            return .sendFailed(error)
        }
    }

    /// Starts the feeding thread (checks once immediately, then every interval).
    public func start() throws(SystemdError) {
        guard !running.exchange(true, ordering: .sequentiallyConsistent) else { return }
        do {
            let handle = try ServiceThread.start { [self] in run() }
            thread.withLock { $0 = handle }
        } catch {
            running.store(false, ordering: .sequentiallyConsistent)
            throw error
        }
    }

    /// Stops and joins the feeding thread. Idempotent.
    public func stop() {
        running.store(false, ordering: .sequentiallyConsistent)
        wake.signal()
        if let handle = thread.withLock({ t -> pthread_t? in defer { t = nil }; return t }) {
            pthread_join(handle, nil)
        }
    }

    private func run() {
        var previous: Verdict?
        while running.load(ordering: .acquiring) {
            let verdict = check()
            switch (previous, verdict) {
            case (.fed?, .fed), (.stalled?, .stalled): break
            default: report(verdict)
            }
            previous = verdict
            wake.wait(ns: intervalNs)
        }
    }
}

/// A sleep that `signal()` cuts short (so `stop()` does not wait out a whole interval).
/// The pthread objects live at fixed heap addresses, as pthreads requires.
final class WakeSignal: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var signalled = false

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func signal() {
        pthread_mutex_lock(mutex)
        signalled = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    func wait(ns: UInt64) {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let total = UInt64(deadline.tv_nsec) + ns % 1_000_000_000
        deadline.tv_sec += Int(ns / 1_000_000_000 + total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        pthread_mutex_lock(mutex)
        while !signalled {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        pthread_mutex_unlock(mutex)
    }
}
