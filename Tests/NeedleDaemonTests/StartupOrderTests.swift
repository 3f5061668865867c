#if canImport(Glibc)
import Glibc
#endif
import Logging
import NeedleConfig
import NeedleCore
import NeedleHAL
import NeedleProtocol
import NeedleRecords
import NeedleSim
import Testing
@testable import NeedleDaemon

/// Start-up order (issue 9 §2 item 3, DESIGN §3 rule 4): outputs safe first, then the
/// single-instance lock, then state. Each test hands the daemon a simulated pen whose
/// outputs were left driven (as a crashed instance on a Pi kernel would leave them), so a
/// start-up that reads state first can be told from one that makes the outputs safe first.
@Suite("Daemon start-up order", .serialized)
struct StartupOrderTests {
    /// A simulated pen with the enable high, the PWM on and the brake driven.
    func drivenPen() throws -> (BuiltPen, SimulatedPen) {
        let built = try SimulatedPenBuilder.build(HardwareSection())
        let pen = try #require(built.sim?.pen)
        try pen.motorEnable.set(active: true)
        try pen.brake.set(active: true)
        try pen.motorPWM.apply(.duty(0.5, periodNs: ControlLoop.pwmPeriodNs))
        let snap = pen.snapshot()
        try #require(snap.motorEnable && snap.pwm.enabled && snap.brake)
        return (built, pen)
    }

    func expectSafe(_ pen: SimulatedPen, _ comment: Comment) {
        let snap = pen.snapshot()
        #expect(!snap.motorEnable, comment)
        #expect(!snap.pwm.enabled, comment)
        #expect(!snap.brake, comment)
    }

    func options(_ directory: TemporaryDirectory, socket: String? = nil) -> DaemonOptions {
        DaemonOptions(simulate: true, socketPath: socket ?? directory.socketPath, stateDirectory: directory.statePath)
    }

    /// A treatment record left open, as a live (or killed) instance leaves it.
    func openSession(in directory: TemporaryDirectory) throws -> TreatmentRecordStore {
        if mkdir(directory.statePath, 0o750) != 0, errno != EEXIST { throw TestFailure("mkdir \(errno)") }
        let store = try TreatmentRecordStore(path: directory.statePath + "/treatments.sqlite")
        _ = try store.open(TreatmentRecord(
            startedAtMs: 1_700_000_000_000, updatedAtMs: 1_700_000_001_000, mode: "home", area: "forehead",
            targetDepthMM: 0.5, speedLevel: 5))
        return store
    }

    @Test("a corrupt calibration file stops start-up only after the outputs are driven safe")
    func badCalibrationAfterOutputsSafe() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(mkdir(directory.statePath, 0o750) == 0)
        let store = CalibrationStore(path: directory.statePath + "/calibration")
        try store.writeTemporary("version=1\nzero_counts=banana\n").get()
        #expect(rename(store.temporaryPath, store.path) == 0)
        let (built, pen) = try drivenPen()
        do {
            _ = try Daemon(options: options(directory), pen: built, logger: Logger(label: "test"))
            Issue.record("the daemon started on a corrupt calibration")
        } catch {
            guard case .state(let path, _) = error else { Issue.record("unexpected error \(error)"); return }
            #expect(path == store.path)
        }
        expectSafe(pen, "the outputs were made safe before the calibration was read")
    }

    @Test("with the state directory's lock held, start-up fails naming the lock file and pid, outputs safe, no record touched")
    func lockHeldTouchesNoRecord() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try openSession(in: directory)
        // Another instance's lock (flock locks belong to the open file: this conflicts
        // with the daemon's own attempt even in one process).
        let holder = try InstanceLock.acquire(inDirectory: directory.statePath)
        defer { holder.release() }
        let (built, pen) = try drivenPen()
        do {
            _ = try Daemon(options: options(directory), pen: built, logger: Logger(label: "test"))
            Issue.record("a second daemon started on a locked state directory")
        } catch {
            guard case .alreadyRunning(let lockFile, let pid) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(lockFile == directory.statePath + "/needled.lock")
            #expect(pid == getpid())
            #expect(error.description.contains(lockFile) && error.description.contains("pid \(getpid())"), "\(error)")
        }
        expectSafe(pen, "outputs safe even on the refused start")
        let rows = try store.history()
        try #require(rows.count == 1)
        #expect(rows[0].endReason == nil, "the live instance's open session was closed: \(rows[0])")
        #expect(rows[0].updatedAtMs == 1_700_000_001_000)
    }

    @Test("a second daemon on the same state directory fails; the first keeps running and its open session stays open")
    func secondDaemonLeavesFirstAlone() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try Daemon(options: options(directory), logger: Logger(label: "first"))
        try await first.start()
        let peer = PeerCredentials(pid: 1, uid: 0, gid: 0)
        var started = false
        for _ in 0..<400 where !started {
            try await Task.sleep(for: .milliseconds(5))
            if case .success = first.router.handle(.arm(try ArmArguments(depthMM: 0.5)), from: peer),
               case .success = first.router.handle(.start, from: peer) { started = true }
        }
        try #require(started)
        var opened = false
        for _ in 0..<200 where !opened {
            try await Task.sleep(for: .milliseconds(10))
            opened = (try? first.recorder.store.history())?.first.map { $0.endReason == nil } ?? false
        }
        try #require(opened, "the first daemon's session row is open")

        let other = directory.path + "/second.sock"
        do {
            _ = try Daemon(options: options(directory, socket: other), logger: Logger(label: "second"))
            Issue.record("a second daemon started on the same state directory")
        } catch {
            guard case .alreadyRunning(_, let pid) = error else { Issue.record("unexpected error \(error)"); return }
            #expect(pid == getpid())
        }
        let rows = try first.recorder.store.history()
        #expect(rows.count == 1)
        #expect(rows.first?.endReason == nil, "the first daemon's open session stays open")
        #expect(first.loopThread.loop.status().motorOn, "the first daemon's treatment still runs")
        await first.stop()
        unlink(other)
        // The lock goes with the first daemon: the next one starts.
        let third = try Daemon(options: options(directory, socket: other), logger: Logger(label: "third"))
        #expect(third.loopThread.loop.status().state != .running)
        unlink(other)
    }
}
