import Logging
import NeedleConfig
import NeedleCore
import NeedleHAL
import NeedleProtocol
import Synchronization
import Testing
@testable import NeedleDaemon

/// Shutdown and readiness tell the truth (issue 9 §2 item 21): an output that cannot be
/// driven safe at shutdown is reported and fails the stop; the socket takes no command once
/// the loop has stopped (only `stop`, answered "motor off"); "ready" waits for the self-test.
@Suite("Daemon shutdown and readiness", .serialized)
struct ShutdownTruthTests {
    let peer = PeerCredentials(pid: 1, uid: 0, gid: 0)

    func options(_ directory: TemporaryDirectory) -> DaemonOptions {
        DaemonOptions(simulate: true, socketPath: directory.socketPath, stateDirectory: directory.statePath)
    }

    /// Arms a 0.5 mm plan once the pen trusts its depth (at most 2 s).
    func arm(_ daemon: Daemon) async throws {
        for _ in 0..<400 {
            if case .success = daemon.router.handle(.arm(try ArmArguments(depthMM: 0.5)), from: peer) { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TestFailure("could not arm: \(daemon.router.status())")
    }

    @Test("an enable line that cannot be written at shutdown is logged at error level by name, and stop reports it")
    func failedForceSafeAtShutdown() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var built = try SimulatedPenBuilder.build(HardwareSection())
        let failing = FailingOutput()
        failing.inner = built.devices.motorEnable
        built.devices.motorEnable = failing
        let log = CapturedLog()
        let daemon = try Daemon(options: options(directory), pen: built, logger: log.logger)
        try await daemon.start()
        failing.fail = true
        let failures = await daemon.stop()
        #expect(failures.map(\.line) == [.motorEnable])
        let errors = log.all.filter { $0.level >= .error }
        #expect(errors.contains { $0.metadata["line"]?.description == "motor_enable" }, "\(log.all)")
        #expect(!log.all.contains { $0.message.contains("outputs safe") }, "no claim of safe outputs: \(log.all)")
    }

    @Test("with every output written, stop reports nothing and says the outputs are safe")
    func cleanShutdown() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = CapturedLog()
        let daemon = try Daemon(options: options(directory), logger: log.logger)
        try await daemon.start()
        #expect(await daemon.stop().isEmpty)
        #expect(log.all.contains { $0.message.contains("outputs safe") })
        #expect(!log.all.contains { $0.level >= .error })
    }

    @Test("once the loop has stopped, commands are refused shutting_down; stop answers with the motor off")
    func commandsAfterLoopStopped() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try Daemon(options: options(directory), logger: Logger(label: "test"))
        try await daemon.start()
        try await arm(daemon)
        await daemon.stop()
        for command in [Command.start, .status, .clear, .selftest, .mode(.home)] {
            guard case .failure(let error) = daemon.router.handle(command, from: peer) else {
                Issue.record("\(command.name) accepted after the loop stopped")
                continue
            }
            #expect(error.code == .shuttingDown, "\(command.name): \(error)")
        }
        #expect(daemon.loopThread.loop.status().state == .armed, "the refused start never reached the supervisor")
        guard case .success(.status(let status)) = daemon.router.handle(.stop, from: peer) else {
            Issue.record("stop was not answered with a status")
            return
        }
        #expect(!status.motorOn)
        #expect(status.state != .running)
    }

    @Test("a running treatment stopped by shutdown: later status says motor off, not running")
    func statusAfterShutdownWhileRunning() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try Daemon(options: options(directory), logger: Logger(label: "test"))
        try await daemon.start()
        try await arm(daemon)
        _ = try daemon.router.handle(.start, from: peer).get()
        try await Task.sleep(for: .milliseconds(50))
        try #require(daemon.router.status().motorOn)
        await daemon.stop()
        let status = daemon.router.status()
        #expect(!status.motorOn && status.state != .running && status.strokeRateHz == 0, "\(status)")
    }

    @Test("readiness and the ready line wait until the power-on self-test has left running")
    func readyWaitsForSelfTest() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = CapturedLog()
        let daemon = try Daemon(options: options(directory), logger: log.logger)
        let observations = Mutex<[(selfTestRunning: Bool, readiness: DaemonReadiness)]>([])
        let done = Atomic<Bool>(false)
        let watcher = Task {
            while !done.load(ordering: .relaxed) {
                let readiness = daemon.readiness
                let running = if case .running = daemon.loopThread.loop.status().selfTest { true } else { false }
                // Read before and after: a step that ended in between is not counted as running.
                let stillRunning = if case .running = daemon.loopThread.loop.status().selfTest { true } else { false }
                observations.withLock { $0.append((running && stillRunning, readiness)) }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
        try await daemon.start()
        // start() returns after the ready line.
        #expect(!{ if case .running = daemon.loopThread.loop.status().selfTest { true } else { false } }())
        let ready = log.all.first { $0.message == "needled ready" }
        #expect(ready?.metadata["self_test"]?.description == "passed", "\(String(describing: ready))")
        for _ in 0..<200 where daemon.readiness != .ready { try await Task.sleep(for: .milliseconds(5)) }
        #expect(daemon.readiness == .ready)
        done.store(true, ordering: .relaxed)
        await watcher.value
        let seen = observations.withLock { $0 }
        #expect(seen.contains { $0.selfTestRunning }, "the self-test was observed running")
        #expect(!seen.contains { $0.selfTestRunning && $0.readiness == .ready }, "ready while the self-test ran")
        await daemon.stop()
    }
}

extension ShutdownTruthTests {
    @Test("the real daemon is not ready while its sensor gives no valid depth, and becomes ready once it does")
    func readinessWaitsForDepthOnTheRealDaemon() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let built = try SimulatedPenBuilder.build(HardwareSection())
        let pen = try #require(built.sim?.pen)
        pen.inject(.magnetMissing)
        let daemon = try Daemon(options: options(directory), pen: built, logger: Logger(label: "test"))
        try await daemon.start()
        try await Task.sleep(for: .milliseconds(50))
        #expect(daemon.readiness == .noValidDepth)
        pen.clear(.magnetMissing)
        var ready = false
        for _ in 0..<400 where !ready {
            try await Task.sleep(for: .milliseconds(5))
            ready = daemon.readiness == .ready
        }
        #expect(ready)
        await daemon.stop()
    }
}
