#if canImport(Glibc)
import Glibc
#endif
import Logging
import NeedleCore
import NeedleProtocol
import Testing
@testable import NeedleDaemon

/// The daemon's own start and stop path (what SIGTERM runs), in process so that the
/// simulated pen's enable line can be read after the stop.
@Suite("Daemon lifecycle")
struct DaemonLifecycleTests {
    @Test("stopping while running leaves the motor off, the enable line low and the socket gone")
    func stopWhileRunning() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.socketPath
        let daemon = try Daemon(
            options: DaemonOptions(simulate: true, socketPath: path, stateDirectory: directory.statePath),
            logger: Logger(label: "test"))
        try await daemon.start()
        let peer = PeerCredentials(pid: 1, uid: 0, gid: 0)
        let pen = try #require(daemon.router.sim?.pen)
        // Wait for trusted depth, then arm and start.
        var started = false
        for _ in 0..<200 where !started {
            try await Task.sleep(for: .milliseconds(5))
            if case .success = daemon.router.handle(.arm(try ArmArguments(depthMM: 0.5)), from: peer),
               case .success = daemon.router.handle(.start, from: peer) { started = true }
        }
        #expect(started)
        try await Task.sleep(for: .milliseconds(100))
        #expect(pen.snapshot().motorEnable)
        await daemon.stop()
        #expect(!pen.snapshot().motorEnable)
        #expect(!pen.snapshot().pwm.enabled)
        #expect(access(path, F_OK) != 0, "socket removed")
    }

    @Test("a rate outside 400...8000 Hz is refused, naming --rate, before anything starts")
    func badRate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for rate in [50, 399, 8001] {
            do {
                _ = try Daemon(
                    options: DaemonOptions(
                        simulate: true, socketPath: directory.socketPath, rateHz: rate, stateDirectory: directory.statePath),
                    logger: Logger(label: "t"))
                Issue.record("the daemon was built at \(rate) Hz")
            } catch {
                guard case .invalidArgument(let message) = error else {
                    Issue.record("refused for another reason: \(error)")
                    continue
                }
                #expect(message.contains("--rate \(rate)"), "\(message)")
            }
        }
        // Nothing started: no state directory created, no socket.
        #expect(access(directory.statePath, F_OK) != 0)
        #expect(access(directory.socketPath, F_OK) != 0)
    }
}
