import Glibc
import Logging
import Synchronization

/// The daemon's side of the service manager: readiness, status, stopping and the watchdog,
/// each a no-op when systemd did not ask for it (`$NOTIFY_SOCKET`, `$WATCHDOG_USEC` unset).
///
/// `READY=1` is sent only when the daemon is really ready (`Daemon.readiness`): outputs
/// safe and the loop running, the power-on self-test over, a valid depth sample, and the
/// control socket listening.
public final class SystemdService: Sendable {
    public let notifier: SystemdNotifier?
    private let environment: ServiceEnvironment
    private let logger: Logger
    private let feeder = Mutex<WatchdogFeeder?>(nil)
    private let stopped = Atomic<Bool>(false)
    private let readyThread = Mutex<pthread_t?>(nil)
    private let wake = WakeSignal()

    public init(environment: ServiceEnvironment = .process, logger: Logger) {
        self.environment = environment
        self.logger = logger
        do {
            notifier = try SystemdNotifier.fromEnvironment(environment)
        } catch {
            logger.error("NOTIFY_SOCKET is unusable: systemd will not hear that needled is ready", metadata: ["error": "\(error)"])
            notifier = nil
        }
    }

    /// Starts the watchdog feeder (when `$WATCHDOG_USEC` asks for one) and waits in the
    /// background until `isReady` holds, then sends `READY=1`.
    public func attach(
        progress: any LoopProgressSource, readyStatus: String,
        isReady: @escaping @Sendable () -> DaemonReadiness
    ) {
        guard let notifier else { return }
        startWatchdog(notifier: notifier, progress: progress)
        do {
            let handle = try ServiceThread.start { [self] in
                var last: DaemonReadiness?
                while !stopped.load(ordering: .acquiring) {
                    let readiness = isReady()
                    if readiness == .ready {
                        send(.ready, .status(readyStatus))
                        logger.info("told systemd: READY=1")
                        return
                    }
                    if readiness != last {
                        send(.status("starting: \(readiness.description)"))
                        last = readiness
                    }
                    wake.wait(ns: 5_000_000)
                }
            }
            readyThread.withLock { $0 = handle }
        } catch {
            logger.error("cannot wait for readiness: systemd will not hear READY=1", metadata: ["error": "\(error)"])
        }
    }

    /// Says `STOPPING=1` and stops feeding the watchdog. Call before stopping the daemon.
    public func detach() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        if let handle = readyThread.withLock({ t -> pthread_t? in defer { t = nil }; return t }) {
            pthread_join(handle, nil)
        }
        send(.stopping, .status("stopping: motor off, outputs safe"))
        feeder.withLock { $0 }?.stop()
    }

    /// Best effort: a lost status line must not stop the pen.
    public func send(_ assignments: NotifyAssignment...) {
        guard let notifier else { return }
        do {
            try notifier.notify(assignments)
        } catch {
            logger.warning("sd_notify failed", metadata: ["error": "\(error)", "socket": "\(notifier.socketAddress)"])
        }
    }

    private func startWatchdog(notifier: SystemdNotifier, progress: any LoopProgressSource) {
        let interval: UInt64
        do {
            guard let value = try WatchdogFeeder.interval(from: environment) else { return }
            interval = value
        } catch {
            logger.error("systemd watchdog not fed: \(error)")
            return
        }
        let logger = self.logger
        let feeder = WatchdogFeeder(notifier: notifier, progress: progress, intervalNs: interval, report: { verdict in
            switch verdict {
            case .fed:
                logger.info("watchdog: control loop progressing, pinging systemd", metadata: ["interval_ms": "\(interval / 1_000_000)"])
            case .stalled(let age):
                logger.critical(
                    "watchdog: control loop stalled, no longer pinging systemd",
                    metadata: ["last_tick_age_ms": "\(age.map { String($0 / 1_000_000) } ?? "never")"])
            case .sendFailed(let error):
                logger.error("watchdog ping failed", metadata: ["error": "\(error)"])
            }
        })
        do {
            try feeder.start()
            self.feeder.withLock { $0 = feeder }
        } catch {
            logger.error("systemd watchdog not fed: \(error)")
        }
    }
}

/// What the daemon still waits for before it may say `READY=1`.
public enum DaemonReadiness: Sendable, Hashable, CustomStringConvertible {
    case ready
    case loopNotRunning
    case socketNotListening
    case noValidDepth
    case selfTestRunning

    public var description: String {
        switch self {
        case .ready: "ready"
        case .loopNotRunning: "control loop not running"
        case .socketNotListening: "control socket not listening"
        case .noValidDepth: "waiting for a valid depth sample"
        case .selfTestRunning: "power-on self-test running"
        }
    }
}

extension Daemon {
    /// Outputs safe (done before the loop starts), loop running, socket listening, the
    /// power-on self-test over (or out of time: `selfTestReadyTimeoutNs`), depth valid.
    public var readiness: DaemonReadiness {
        guard loopThread.isRunning else { return .loopNotRunning }
        guard server.isListening else { return .socketNotListening }
        guard !selfTestPending else { return .selfTestRunning }
        guard router.status().depthMM != nil else { return .noValidDepth }
        return .ready
    }
}
