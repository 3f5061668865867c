import Logging
import NIOCore
import NIOPosix
import NeedleCore
import NeedleDrivers
import NeedleHAL
import NeedleProtocol
import NeedleRecords
import NeedleSim
import Synchronization

/// The running daemon: hardware, control-loop thread, socket server and journal, started
/// in the order that keeps the motor safe and stopped in the reverse order.
public final class Daemon: Sendable {
    public let loopThread: LoopThread
    public let server: ControlServer
    public let router: CommandRouter
    private let logger: Logger
    private let journalTask = Mutex<RepeatedTask?>(nil)
    public let recorder: TreatmentRecorder
    /// Record writes wait for fsync: they get a thread of their own.
    private let recordGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let recordTask = Mutex<RepeatedTask?>(nil)
    private let selfTestAtStart: Bool
    /// One needled per state directory (`<state>/needled.lock`), held until `stop()` ends.
    private let instanceLock: InstanceLock
    /// When `start()` started the loop (0 before): bounds the wait for the self-test.
    private let startedNs = Atomic<UInt64>(0)

    /// Builds everything and drives the outputs safe; starts nothing yet.
    public convenience init(options: DaemonOptions, logger: Logger) throws(DaemonError) {
        try Self.validate(options)
        // Rule 4: the outputs are requested (inactive) and driven safe before anything else,
        // before any state is read, so no state can keep an output driven.
        let pen = switch options.hardware.backend {
        case .simulated: try SimulatedPenBuilder.build(options.hardware)
        case .linux: try LinuxPenBuilder.build(options.hardware)
        }
        try self.init(options: options, pen: pen, logger: logger)
    }

    /// The start-up order on a built pen (tests hand in their own simulated one):
    /// 1. outputs safe, 2. the single-instance lock of the state directory, 3. state
    /// (calibration, treatment records, interrupted sessions). A failure at any step leaves
    /// the outputs safe and every later step undone: a second needled never touches the
    /// running one's records, and a bad calibration file never drives an output.
    init(options: DaemonOptions, pen: BuiltPen, logger: Logger) throws(DaemonError) {
        try Self.validate(options)
        // 1. Outputs.
        let failures = ControlLoop.forceSafe(pen.devices)
        guard failures.isEmpty else { throw .outputsNotSafe(failures) }
        // Settings that need no state are resolved before the state is touched, too.
        var socketGID: UInt32?
        if let group = options.socketGroup {
            guard let gid = AccessPolicy.gid(ofGroup: group) else {
                throw .invalidArgument("daemon.socket_group: no group named \(group)")
            }
            socketGID = gid
        }
        // 2. The single-instance lock, before any state is read or written.
        let (state, writable) = try StateDirectory.prepare(options.stateDirectory)
        let lock = try InstanceLock.acquire(inDirectory: state.path)
        // 3. State.
        if !writable {
            logger.warning("the state directory is not writable: calibrate span will be refused with storage_failed",
                           metadata: ["directory": "\(state.path)"])
        }
        let stored = try state.storedCalibration()
        let store: TreatmentRecordStore
        do { store = try TreatmentRecordStore(path: state.path + "/treatments.sqlite") } catch {
            throw .state(path: state.path + "/treatments.sqlite", reason: "treatment records: \(error)")
        }
        let recorder = TreatmentRecorder(
            store: store, wallClock: SystemWallClock(), logger: logger, backend: pen.kind.rawValue,
            freeSpace: FreeSpace(directory: state.path, minimumBytes: Int64(options.minFreeMB) * 1024 * 1024))
        do { try recorder.recoverInterrupted() } catch {
            throw .state(path: state.path + "/treatments.sqlite", reason: "closing interrupted sessions: \(error)")
        }
        let leftovers = BackupCopies.removeLeftovers(in: state.path)
        if leftovers > 0 { logger.notice("removed \(leftovers) backup copies an earlier run left in the state directory") }
        let clock = pen.clock
        for notice in pen.notices { logger.notice("\(notice)") }
        var config = try Self.safetyConfig(stored: stored, factory: pen.calibration)
        if config.calibrated {
            logger.info(
                stored == nil ? "no stored depth calibration: using the factory one" : "depth calibration loaded",
                metadata: [
                    "file": "\(state.calibrationStore.path)", "zero_counts": "\(config.calibration.zeroCounts)",
                    "mm_per_count": "\(config.calibration.mmPerCount)",
                ])
        } else {
            logger.warning(
                "the depth sensor is not calibrated: arming is refused until a clinician runs needlectl calibrate zero, then span",
                metadata: ["file": "\(state.calibrationStore.path)"])
        }
        config.toleranceMM = options.toleranceMM
        // Every pen reads its cartridge's ID EEPROM: no identity, no motor.
        config.cartridgeIdentityRequired = true
        // A pen whose self-test failed or did not finish does not arm (DESIGN.md §3 rule 9).
        config.selfTestRequired = true
        config.areaPresets = options.areaPresets
        let loop = ControlLoop(
            devices: pen.devices, config: config, startNs: clock.nowNanoseconds(), pwmPeriodNs: pen.pwmPeriodNs,
            cartridge: pen.cartridge)
        // The loop's own record of the outputs starts from the safe state it writes again.
        let rewritten = loop.forceSafeReport()
        guard rewritten.isEmpty else { throw .outputsNotSafe(rewritten) }
        self.logger = logger
        self.instanceLock = lock
        self.recorder = recorder
        self.selfTestAtStart = options.selfTestAtStart
        self.loopThread = LoopThread(loop: loop, rateHz: options.rateHz, tickClock: pen.tickClock)
        self.router = CommandRouter(
            loop: loop, clock: clock, policy: options.policy, hardware: pen.kind,
            sim: pen.sim, calibrationStore: state.calibrationStore, logger: logger,
            records: recorder, intervalGuard: IntervalGuard(minimumDays: options.minimumIntervalDays))
        self.server = ControlServer(
            configuration: .init(
                socketPath: options.socketPath, socketGroup: socketGID, inheritedDescriptor: options.inheritedSocket),
            handler: router)
    }

    /// What can be refused from the options alone, before any device or file is opened.
    private static func validate(_ options: DaemonOptions) throws(DaemonError) {
        if let refusal = DaemonOptions.rateRefusal(options.rateHz) { throw .invalidArgument("--rate \(refusal)") }
        guard options.toleranceMM > 0, options.toleranceMM <= SafetyConfig.maxToleranceMM else {
            throw .invalidArgument("tolerance \(options.toleranceMM) mm is outside (0, \(SafetyConfig.maxToleranceMM)] mm")
        }
    }

    /// The calibration to start with: one measured on this pen (stored in the state
    /// directory) wins, then the factory one (`[hardware.calibration]`, or the simulated
    /// pen's own); with neither, the pen is uncalibrated and refuses to arm.
    /// - Throws: either one failing the core's check (DESIGN.md §3 rule 10) stops start-up.
    ///   The store and `[hardware.calibration]` refuse theirs first with the file or key;
    ///   this catches any other source (the simulated pen's own).
    static func safetyConfig(stored: DepthCalibration?, factory: DepthCalibration?) throws(DaemonError) -> SafetyConfig {
        if let stored, let problem = CalibrationMath.problem(with: stored) {
            throw .invalidArgument("stored depth calibration: \(problem)")
        }
        if let factory, let problem = CalibrationMath.problem(with: factory) {
            throw .invalidArgument("factory depth calibration: \(problem)")
        }
        if let calibration = stored ?? factory { return SafetyConfig(calibration: calibration) }
        return SafetyConfig.uncalibrated()
    }

    /// How long READY=1 and the "needled ready" line wait for the power-on self-test to
    /// leave `running`. Its steps are bounded by their own timeouts (about 1.1 s in all at
    /// the lowest loop rate); 10 s is well beyond that and well inside systemd's default
    /// TimeoutStartSec (90 s), so a self-test that hangs is reported as such (the pen is
    /// then ready to be asked `status` and `stop`, and says the self-test never finished)
    /// instead of systemd killing and restarting a daemon that is not hung.
    public static let selfTestReadyTimeoutNs: UInt64 = 10_000_000_000

    /// Starts the loop, then the journal, then the socket; on any failure stops what started.
    /// Returns once the power-on self-test has finished (or `selfTestReadyTimeoutNs` passed).
    public func start() async throws(DaemonError) {
        let grant = try loopThread.start()
        startedNs.store(max(SystemClockReading.now(), 1), ordering: .releasing)
        logGrant(grant)
        startJournal()
        startRecording()
        if selfTestAtStart { beginSelfTest() }
        do {
            try await server.start()
        } catch {
            await stop()
            throw .socket("could not open the control socket at \(server.configuration.socketPath): \(error)")
        }
        // Ready means tested: the line (and READY=1, see `readiness`) waits for the self-test.
        while selfTestPending { try? await Task.sleep(for: .milliseconds(5)) }
        var metadata: Logger.Metadata = [
            "socket": "\(server.configuration.socketPath)", "rate_hz": "\(1_000_000_000 / loopThread.periodNs)",
            "hardware": "\(router.hardware.rawValue)", "mode": "home",
            "self_test": "\(StatusMapping.selfTest(loopThread.loop.status().selfTest, motor: loopThread.loop.status().selfTestMotor).result.rawValue)",
        ]
        if case .running(let step) = loopThread.loop.status().selfTest {
            metadata["step"] = "\(step.rawValue)"
            logger.error(
                "the power-on self-test did not finish within \(Self.selfTestReadyTimeoutNs / 1_000_000_000) s: serving the socket without it",
                metadata: metadata)
        }
        logger.notice("needled ready", metadata: metadata)
    }

    /// The power-on self-test is still running and its time to finish has not run out.
    var selfTestPending: Bool {
        guard case .running = loopThread.loop.status().selfTest else { return false }
        let started = startedNs.load(ordering: .acquiring)
        // Real time: the bound is for the operator waiting, whatever clock the pen runs on.
        return started == 0 || SystemClockReading.now() &- started < Self.selfTestReadyTimeoutNs
    }

    /// Motor off and outputs safe first, then the socket goes away. Returns the lines that
    /// could not be driven safe (empty: all safe), each reported at error level; needled
    /// then exits non-zero.
    @discardableResult
    public func stop() async -> [OutputWriteFailure] {
        // From here on the socket takes only `stop`; once the loop has stopped, nothing.
        router.beginShutdown()
        let failures = loopThread.stop()
        router.loopStopped()
        for failure in failures {
            logger.error("could not drive an output to its safe level at shutdown", metadata: [
                "line": "\(failure.line.rawValue)", "error": "\(failure.error)",
            ])
        }
        journalTask.withLock { $0?.cancel(); $0 = nil }
        recordTask.withLock { $0?.cancel(); $0 = nil }
        // The motor is off: the open session, if any, is written and closed.
        let loop = loopThread.loop
        let recorder = recorder
        let clock = router.clock
        try? await recordGroup.next().submit { recorder.finish(loop.status(), nowNs: clock.nowNanoseconds()) }.get()
        try? await recordGroup.shutdownGracefully()
        await server.stop()
        instanceLock.release()
        if failures.isEmpty {
            logger.notice("needled stopped: motor off, outputs safe, socket removed")
        } else {
            logger.critical("needled stopped, but its outputs are NOT known to be safe: check the named lines", metadata: [
                "lines": "\(failures.map(\.line.rawValue).joined(separator: ","))",
            ])
        }
        return failures
    }

    private func startJournal() {
        let loop = loopThread.loop
        let journal = Mutex(EventJournal(logger: logger))
        let task = MultiThreadedEventLoopGroup.singleton.next().scheduleRepeatedTask(
            initialDelay: .milliseconds(0), delay: .milliseconds(5)
        ) { _ in
            let status = loop.status()
            let (overruns, worst) = loop.metrics.lateness()
            journal.withLock {
                $0.observe(status)
                $0.observe(overruns: overruns, maxJitterNs: worst)
            }
        }
        journalTask.withLock { $0 = task }
    }

    private func startRecording() {
        let loop = loopThread.loop
        let recorder = recorder
        let clock = router.clock
        let task = recordGroup.next().scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { _ in
            recorder.observe(loop.status(), nowNs: clock.nowNanoseconds())
        }
        recordTask.withLock { $0 = task }
    }

    /// The power-on self-test (sensor, steadiness, cartridge, heartbeat, motor off); a
    /// failure latches `selftest_failed` naming the step, which the journal reports.
    private func beginSelfTest() {
        let loop = loopThread.loop
        // Never the motor step: the motor turns only on an operator's action, and needled
        // starts by itself (boot, Restart=on-failure, socket activation).
        switch loop.command(.selfTest(includeMotor: false), nowNs: router.clock.nowNanoseconds()) {
        case .success: logger.info("power-on self-test started")
        case .failure(let refusal): logger.error("power-on self-test could not start", metadata: ["reason": "\(refusal.message)"])
        }
    }

    private func logGrant(_ grant: RealtimeGrant) {
        if let priority = grant.fifoPriority {
            logger.info("control loop on SCHED_FIFO", metadata: ["priority": "\(priority)"])
        } else {
            logger.warning(
                "SCHED_FIFO refused: the control loop runs at normal priority and its jitter will be higher",
                metadata: ["error": "\(grant.fifoErrno)", "fix": "grant CAP_SYS_NICE or LimitRTPRIO="])
        }
        if grant.stackPrefaulted, grant.tripPathExercised {
            logger.info("control loop pre-faulted: own stack written through, trip path exercised on a scratch supervisor")
        } else {
            logger.warning(
                "control loop not fully pre-faulted: the first trip may wait on page faults",
                metadata: ["stack": "\(grant.stackPrefaulted)", "trip_path": "\(grant.tripPathExercised)"])
        }
        if grant.cpuLatencyHeld {
            logger.info("CPU wake-up latency held at 0 µs (/dev/cpu_dma_latency)")
        } else {
            logger.notice(
                "/dev/cpu_dma_latency not held: idle CPUs may wake late for a tick",
                metadata: ["errno": "\(grant.cpuLatencyErrno)", "fix": "the .deb's udev rule gives it to user needled"])
        }
        if grant.memoryLocked {
            logger.info(
                "memory locked (mlockall): what runs from here on",
                metadata: ["startup_code_unmapped_kb": "\(grant.startupCodeDroppedBytes / 1024)"])
        } else {
            logger.warning(
                "mlockall refused: page faults can delay control ticks",
                metadata: ["errno": "\(grant.mlockErrno)", "fix": "grant CAP_IPC_LOCK or LimitMEMLOCK=infinity"])
        }
    }
}
