#if canImport(Glibc)
import Glibc
#endif
import NeedleCore
@testable import NeedleDaemon
import Testing

@Suite("Calibration store")
struct CalibrationStoreTests {
    /// A fresh directory under /tmp, removed by the caller.
    func withDirectory(_ body: (String) throws -> Void) rethrows {
        let dir = "/tmp/needled-cal-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        guard mkdir(dir, 0o700) == 0 else {
            Issue.record("mkdir \(dir) failed")
            return
        }
        defer {
            unlink(dir + "/calibration")
            unlink(dir + "/calibration.tmp")
            rmdir(dir)
        }
        try body(dir)
    }

    @Test("a missing file is uncalibrated; a saved calibration loads back exactly")
    func roundTrip() throws {
        try withDirectory { dir in
            let store = CalibrationStore(path: dir + "/calibration")
            #expect(try store.load().get() == nil)
            let calibration = DepthCalibration(zeroCounts: 517, mmPerCount: 0.000_987_654_321)
            try store.save(calibration).get()
            #expect(try store.load().get() == calibration)
        }
    }

    @Test("a torn write (temp file written, crash before rename) leaves the old calibration loadable")
    func tornWrite() throws {
        try withDirectory { dir in
            let store = CalibrationStore(path: dir + "/calibration")
            let old = DepthCalibration(zeroCounts: 512, mmPerCount: 0.001)
            try store.save(old).get()
            try store.writeTemporary(CalibrationStore.render(DepthCalibration(zeroCounts: 900, mmPerCount: 0.002))).get()
            #expect(try store.load().get() == old)
            // Half a file in the temporary (a crash mid-write) changes nothing either, and
            // the next save overwrites it.
            try store.writeTemporary("version=1\nzero_co").get()
            #expect(try store.load().get() == old)
            let new = DepthCalibration(zeroCounts: 600, mmPerCount: 0.0011)
            try store.save(new).get()
            #expect(try store.load().get() == new)
        }
    }

    @Test("malformed and unusable files are typed errors; an unusable calibration is not saved")
    func errors() throws {
        try withDirectory { dir in
            let store = CalibrationStore(path: dir + "/calibration")
            guard case .failure(.unusable) = store.save(DepthCalibration(zeroCounts: 0, mmPerCount: 0)) else {
                Issue.record("an unusable calibration was saved")
                return
            }
            for text in ["garbage", "version=2\nzero_counts=1\nmm_per_count=0.001\n", "version=1\nzero_counts=x\nmm_per_count=0.001\n"] {
                try store.writeTemporary(text).get()
                rename(dir + "/calibration.tmp", dir + "/calibration")
                guard case .failure(.malformed) = store.load() else {
                    Issue.record("\(text) loaded")
                    continue
                }
            }
            try store.writeTemporary("version=1\nzero_counts=1\nmm_per_count=5\n").get()
            rename(dir + "/calibration.tmp", dir + "/calibration")
            guard case .failure(.unusable(.scaleTooCoarse(mmPerCount: 5))) = store.load() else {
                Issue.record("a file with mm_per_count=5 loaded")
                return
            }
            let unwritable = CalibrationStore(path: dir + "/missing-dir/calibration")
            guard case .failure(.io(.open, _)) = unwritable.save(DepthCalibration(zeroCounts: 512, mmPerCount: 0.001)) else {
                Issue.record("saving into a missing directory did not fail on open")
                return
            }
        }
    }
}
