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

    @Test("a rate outside 400...8000 Hz is refused before anything starts")
    func badRate() {
        #expect(throws: DaemonError.self) {
            _ = try Daemon(options: DaemonOptions(simulate: true, socketPath: "/tmp/x.sock", rateHz: 50), logger: Logger(label: "t"))
        }
    }
}
