#if canImport(Glibc)
import Glibc
#endif
import Logging
import NeedleCore
import NeedleSim
import Testing
@testable import NeedleDaemon

/// What start-up does with the state directory: creates it, uses a stored calibration over
/// the builder's, and refuses to start on a corrupt file or an unusable directory.
@Suite("State directory at start-up")
struct StateDirectoryTests {
    func daemon(_ directory: TemporaryDirectory, state: String? = nil) throws(DaemonError) -> Daemon {
        try Daemon(
            options: DaemonOptions(simulate: true, socketPath: directory.socketPath, stateDirectory: state ?? directory.statePath),
            logger: Logger(label: "test"))
    }

    @Test("a missing state directory is created 0750; with no calibration stored the simulated pen's factory one is used")
    func createdAndFactory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try daemon(directory)
        var info = stat()
        #expect(stat(directory.statePath, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFDIR)
        #expect(info.st_mode & 0o777 & ~0o750 == 0, "mode \(String(info.st_mode & 0o777, radix: 8))")
        let status = daemon.loopThread.loop.status()
        #expect(status.calibrated)
        #expect(status.calibration == DaemonDefaults.calibration(of: SimulatedPen.calibration))
    }

    @Test("a stored calibration wins over the configuration's and is in use from the start")
    func storedWins() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(mkdir(directory.statePath, 0o750) == 0)
        // 0.0009 mm/count: the travel takes 3778 counts; zero at 250 puts it at raw 28…3806.
        let stored = DepthCalibration(zeroCounts: 250, mmPerCount: 0.0009)
        try CalibrationStore(path: directory.statePath + "/calibration").save(stored).get()
        let daemon = try daemon(directory)
        #expect(daemon.loopThread.loop.status().calibration == stored)
        #expect(daemon.router.status().calibrated)
        #expect(daemon.router.calibrationStore.path == directory.statePath + "/calibration")
    }

    @Test("a corrupt calibration file stops start-up with an error naming the file")
    func corruptFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(mkdir(directory.statePath, 0o750) == 0)
        let store = CalibrationStore(path: directory.statePath + "/calibration")
        try store.writeTemporary("version=1\nzero_counts=banana\n").get()
        #expect(rename(store.temporaryPath, store.path) == 0)
        do {
            _ = try daemon(directory)
            Issue.record("the daemon started on a corrupt calibration")
        } catch {
            guard case .state(let path, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == store.path)
            #expect(reason.contains("zero_counts"), "\(reason)")
            #expect(error.description.contains(store.path))
        }
    }

    @Test("a stored file whose calibration fails the check stops start-up, naming the file and the key",
          arguments: [("zero_counts=512\nmm_per_count=0.000001\n", "mm_per_count"),
                      ("zero_counts=3900\nmm_per_count=-0.000954\n", "mm_per_count"),
                      ("zero_counts=1000\nmm_per_count=0.001\n", "zero_counts")])
    func unusableStoredFile(values: String, key: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(mkdir(directory.statePath, 0o750) == 0)
        let store = CalibrationStore(path: directory.statePath + "/calibration")
        try store.writeTemporary("version=1\n" + values).get()
        #expect(rename(store.temporaryPath, store.path) == 0)
        do {
            _ = try daemon(directory)
            Issue.record("the daemon started on a stored calibration \(values)")
        } catch {
            guard case .state(let path, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == store.path)
            #expect(reason.contains("the calibration is refused: \(key)"), "\(reason)")
        }
    }

    @Test("a state directory that cannot be created, or is a file, stops start-up naming it")
    func unusableDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let plain = directory.path + "/plain"
        let fd = open(plain, O_WRONLY | O_CREAT, 0o600)
        #expect(fd >= 0)
        close(fd)
        defer { unlink(plain) }
        for (state, words) in [(plain + "/state", "cannot be created"), (plain, "not a directory"),
                               (directory.path + "/missing/state", "cannot be created")] {
            do {
                _ = try daemon(directory, state: state)
                Issue.record("the daemon started with state directory \(state)")
            } catch {
                guard case .state(let path, let reason) = error else {
                    Issue.record("unexpected error \(error)")
                    continue
                }
                #expect(path == state)
                #expect(reason.contains(words), "\(reason)")
            }
        }
    }
}
