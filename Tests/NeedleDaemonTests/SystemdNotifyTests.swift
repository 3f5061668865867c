import NeedleDaemon
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("systemd notify and watchdog", .timeLimit(.minutes(1)), .serialized)
struct SystemdNotifyTests {
    @Test("READY=1, STATUS= and STOPPING=1 arrive as datagrams on a path NOTIFY_SOCKET")
    func notifyOverPathSocket() throws {
        let receiver = try DatagramReceiver()
        let notifier = try #require(try SystemdNotifier.fromEnvironment(ServiceEnvironment(["NOTIFY_SOCKET": receiver.address])))
        try notifier.notify(.ready, .status("ready: home mode"))
        #expect(receiver.receiveText() == "READY=1\nSTATUS=ready: home mode\n")
        try notifier.notify(.stopping)
        #expect(receiver.receiveText() == "STOPPING=1\n")
    }

    @Test("an abstract NOTIFY_SOCKET (@name) is reached through a leading NUL byte")
    func notifyOverAbstractSocket() throws {
        let receiver = try DatagramReceiver(abstract: true)
        #expect(receiver.address.hasPrefix("@"))
        let notifier = try SystemdNotifier(socketAddress: receiver.address)
        try notifier.notify(.watchdog)
        #expect(receiver.receiveText() == "WATCHDOG=1\n")
    }

    @Test("no NOTIFY_SOCKET means no notifier; a malformed one is a typed error")
    func environmentHandling() throws {
        #expect(try SystemdNotifier.fromEnvironment(ServiceEnvironment([:])) == nil)
        #expect(try SystemdNotifier.fromEnvironment(ServiceEnvironment(["NOTIFY_SOCKET": ""])) == nil)
        #expect(throws: SystemdError.invalidAddress("relative/path")) {
            try SystemdNotifier(socketAddress: "relative/path")
        }
        #expect(throws: SystemdError.invalidAddress("/" + String(repeating: "x", count: 200))) {
            try SystemdNotifier(socketAddress: "/" + String(repeating: "x", count: 200))
        }
        let missing = try SystemdNotifier(socketAddress: "/tmp/needled-no-such-dir-\(getpid())/notify")
        #expect(throws: SystemdError.system(operation: "sendto", errno: ENOENT)) { try missing.notify(.ready) }
    }

    @Test("a STATUS text cannot smuggle in another assignment with a newline")
    func statusNewlinesAreFlattened() {
        #expect(NotifyAssignment.status("a\nREADY=1").line == "STATUS=a READY=1")
    }

    @Test("WATCHDOG_USEC gives half its value as the ping interval; another WATCHDOG_PID disables it")
    func watchdogInterval() throws {
        #expect(try WatchdogFeeder.interval(from: ServiceEnvironment([:])) == nil)
        #expect(try WatchdogFeeder.interval(from: ServiceEnvironment(["WATCHDOG_USEC": "2000000"])) == 1_000_000_000)
        #expect(try WatchdogFeeder.interval(from: ServiceEnvironment(["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "\(getpid())"])) == 1_000_000_000)
        #expect(try WatchdogFeeder.interval(from: ServiceEnvironment(["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"]), pid: 4242) == nil)
        #expect(throws: SystemdError.invalidEnvironment(name: "WATCHDOG_USEC", value: "soon")) {
            try WatchdogFeeder.interval(from: ServiceEnvironment(["WATCHDOG_USEC": "soon"]))
        }
    }

    @Test("the loop counts as alive only when its last tick is within 10 periods")
    func aliveWithinTenPeriods() {
        let period: UInt64 = 1_000_000
        #expect(!WatchdogFeeder.isAlive(lastTickNs: 0, periodNs: period, nowNs: 5_000_000))
        #expect(WatchdogFeeder.isAlive(lastTickNs: 100_000_000, periodNs: period, nowNs: 110_000_000))
        #expect(!WatchdogFeeder.isAlive(lastTickNs: 100_000_000, periodNs: period, nowNs: 110_000_001))
    }

    @Test("the feeder pings only while the loop progresses: fake clock, one check at a time")
    func feederChecksProgress() throws {
        let receiver = try DatagramReceiver()
        let notifier = try SystemdNotifier(socketAddress: receiver.address)
        let progress = FakeProgress(periodNs: 1_000_000)
        let clock = Atomic<UInt64>(1_000_000_000)
        let feeder = WatchdogFeeder(
            notifier: notifier, progress: progress, intervalNs: 500_000_000, now: { clock.load(ordering: .relaxed) })
        #expect(feeder.check() == .stalled(ageNs: nil))  // no tick yet
        #expect(receiver.receive() == nil)
        progress.tick(at: 999_500_000)
        #expect(feeder.check() == .fed)
        #expect(receiver.receiveText() == "WATCHDOG=1\n")
        clock.store(1_020_000_000, ordering: .relaxed)  // 20.5 periods since the last tick
        #expect(feeder.check() == .stalled(ageNs: 20_500_000))
        #expect(receiver.receive() == nil)
        progress.tick(at: 1_019_000_000)
        #expect(feeder.check() == .fed)
        #expect(receiver.receiveText() == "WATCHDOG=1\n")
    }

    @Test("a running feeder stops pinging when the loop stalls and resumes when it recovers")
    func feederThreadFollowsTheLoop() throws {
        let receiver = try DatagramReceiver()
        let notifier = try SystemdNotifier(socketAddress: receiver.address)
        let progress = LiveProgress()
        let verdicts = Mutex<[WatchdogFeeder.Verdict]>([])
        let feeder = WatchdogFeeder(
            notifier: notifier, progress: progress, intervalNs: 20_000_000,
            report: { verdict in verdicts.withLock { $0.append(verdict) } })
        try feeder.start()
        defer { feeder.stop() }
        let healthy = receiver.drain(for: 0.3)
        #expect(healthy.count >= 5)
        #expect(healthy.allSatisfy { $0 == "WATCHDOG=1\n" })
        progress.stalled = true
        _ = receiver.drain(for: 0.05)  // a ping already in flight
        #expect(receiver.drain(for: 0.3).isEmpty, "a stalled loop must stop the pings")
        progress.stalled = false
        #expect(receiver.drain(for: 0.2).count >= 3)
        feeder.stop()
        _ = receiver.drain(for: 0.05)
        #expect(receiver.drain(for: 0.1).isEmpty, "no pings after stop")
        let reported = verdicts.withLock { $0 }
        #expect(reported.count == 3)
        #expect(reported.first == .fed)
        if reported.count == 3, case .stalled = reported[1] {} else { Issue.record("expected a stall report, got \(reported)") }
    }

    @Test("the real daemon's loop feeds the watchdog; stopping the loop stops the pings")
    func realLoopFeedsTheWatchdog() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let receiver = try DatagramReceiver()
        let daemon = try Daemon(
            options: DaemonOptions(simulate: true, socketPath: directory.socketPath, stateDirectory: directory.statePath),
            logger: .init(label: "test"))
        let service = SystemdService(
            environment: ServiceEnvironment(["NOTIFY_SOCKET": receiver.address, "WATCHDOG_USEC": "40000"]),
            logger: .init(label: "test"))
        try await daemon.start()
        service.attach(progress: daemon.loopThread, readyStatus: "ready", isReady: { daemon.readiness })
        let received = receiver.drain(for: 0.3)
        #expect(received.contains("READY=1\nSTATUS=ready\n"))
        #expect(daemon.readiness == .ready)
        let pings = received.filter { $0 == "WATCHDOG=1\n" }.count
        #expect(pings >= 5)
        // Stall: the loop thread stops ticking while the feeder keeps running.
        daemon.loopThread.stop()
        _ = receiver.drain(for: 0.05)
        #expect(!receiver.drain(for: 0.2).contains("WATCHDOG=1\n"))
        service.detach()
        #expect(receiver.drain(for: 0.1).contains("STOPPING=1\nSTATUS=stopping: motor off, outputs safe\n"))
        await daemon.stop()
    }

    @Test("READY=1 is sent only once isReady says ready; STATUS= says what it waits for")
    func readyWaitsForValidDepth() throws {
        let receiver = try DatagramReceiver()
        let service = SystemdService(environment: ServiceEnvironment(["NOTIFY_SOCKET": receiver.address]), logger: .init(label: "test"))
        let state = Atomic<Int>(0)
        service.attach(progress: FakeProgress(), readyStatus: "ready", isReady: {
            state.load(ordering: .relaxed) == 0 ? .noValidDepth : .ready
        })
        let waiting = receiver.drain(for: 0.2)
        #expect(waiting.contains("STATUS=starting: waiting for a valid depth sample\n"))
        #expect(!waiting.contains { $0.contains("READY=1") })
        state.store(1, ordering: .relaxed)
        #expect(receiver.drain(for: 0.2).contains("READY=1\nSTATUS=ready\n"))
        service.detach()
    }
}
