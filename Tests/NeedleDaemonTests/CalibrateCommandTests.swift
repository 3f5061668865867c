#if canImport(Glibc)
import Glibc
#endif
import Logging
import NeedleCore
import NeedleProtocol
import NeedleSim
import Testing
@testable import NeedleDaemon

/// `calibrate` through the router on the simulated pen: who may, what is stored, when the
/// new calibration is used, and that every refusal leaves both the pen and the file alone.
@Suite("calibrate on the socket")
struct CalibrateCommandTests {
    static let `operator` = PeerCredentials(pid: 21, uid: 1002, gid: 1002)
    static let clinician = PeerCredentials(pid: 22, uid: 1003, gid: 1003)

    /// A router on a fresh harness whose calibration store is `storePath`.
    func router(storePath: String, config: SafetyConfig? = nil) -> (CommandRouter, SimLoopHarness) {
        let h = SimLoopHarness(config: config)
        let router = CommandRouter(
            loop: h.loop, clock: h.clock, policy: AccessPolicy(operatorUIDs: [1002], clinicianUIDs: [1003]),
            hardware: .simulated, sim: SimControl(pen: h.pen), calibrationStore: CalibrationStore(path: storePath),
            logger: Logger(label: "test"), groupsOf: { _ in [] })
        h.tick(10)
        return (router, h)
    }

    func failure(_ result: Result<ResultPayload, ProtocolError>) -> ProtocolError? {
        if case .failure(let error) = result { error } else { nil }
    }

    func message(_ result: Result<ResultPayload, ProtocolError>) -> String? {
        if case .success(.message(let text)) = result { text } else { nil }
    }

    /// The file's bytes, nil when there is none.
    func contents(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return count < 0 ? nil : String(decoding: bytes[..<count], as: UTF8.self)
    }

    @Test("an operator is refused calibrate with unauthorized naming the clinician role; nothing is captured")
    func operatorRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (r, h) = router(storePath: directory.path + "/calibration")
        for step: CalibrationStep in [.zero, .span(depthMM: 1)] {
            let error = failure(r.handle(.calibrate(step), from: Self.operator))
            #expect(error?.code == .unauthorized)
            #expect(error?.message.contains("clinician") == true, "\(String(describing: error))")
        }
        #expect(h.loop.status().pendingZeroCounts == nil)
        #expect(contents(directory.path + "/calibration") == nil)
    }

    @Test("zero then span stores the calibration and puts it in use at once: depths follow the new scale")
    func spanStoresAndUses() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/calibration"
        // Uncalibrated at start: the pen refuses to arm until calibrated.
        let (r, h) = router(storePath: path, config: .uncalibrated())
        #expect(r.status().calibrated == false)
        h.moveCollar(to: 0)
        let zero = try #require(message(r.handle(.calibrate(.zero), from: Self.clinician)))
        #expect(zero.contains("zero captured at"), "\(zero)")
        let zeroRaw = try #require(h.loop.status().pendingZeroCounts)
        #expect(abs(Int(zeroRaw) - 512) <= 2, "the factory collar reads 512 counts at 0 mm")
        // The collar really stands at 1.00 mm; the clinician says 1.20: the new scale is 1.2
        // times the factory one, so every depth now reads 1.2 times what it did. (A smaller
        // scale, 0.8 of the factory one, would squeeze the travel past the sensor's 3839 usable
        // counts and be refused: see CalibrationCheckTests.)
        h.moveCollar(to: 1.0)
        let done = try #require(message(r.handle(.calibrate(.span(depthMM: 1.2)), from: Self.clinician)))
        #expect(done.contains("zero \(zeroRaw) counts") && done.contains("mm/count") && done.contains(path), "\(done)")
        let inUse = try #require(h.loop.status().calibration)
        #expect(abs(inUse.mmPerCount - 0.0012) < 0.000_005)
        #expect(inUse.zeroCounts == Double(zeroRaw))
        #expect(try CalibrationStore(path: path).load().get() == inUse, "the file holds what the pen uses")
        #expect(r.status().calibrated)
        h.tick(10)
        let depth = try #require(r.status().depthMM)
        #expect(abs(depth - 1.2) < 0.01, "collar at 1.00 mm now reads \(depth)")
        h.moveCollar(to: 0.5)
        let half = try #require(r.status().depthMM)
        #expect(abs(half - 0.6) < 0.01, "collar at 0.50 mm now reads \(half)")
    }

    @Test("calibrate while the motor runs is refused busy: the calibration and the file are untouched")
    func refusedWhileRunning() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/calibration"
        let before = DepthCalibration(zeroCounts: 512, mmPerCount: 0.001)
        try CalibrationStore(path: path).save(before).get()
        let original = contents(path)
        let (r, h) = router(storePath: path)
        h.moveCollar(to: 0)
        _ = try #require(message(r.handle(.calibrate(.zero), from: Self.clinician)))
        guard case .success = h.startTreatment(depth: 0.5) else {
            Issue.record("the treatment did not start")
            return
        }
        #expect(h.loop.status().motorOn)
        #expect(failure(r.handle(.calibrate(.span(depthMM: 0.5)), from: Self.clinician))?.code == .busy)
        #expect(failure(r.handle(.calibrate(.zero), from: Self.clinician))?.code == .busy)
        #expect(h.loop.status().motorOn, "a refused calibration does not stop the run")
        #expect(h.loop.status().calibration == before)
        #expect(contents(path) == original)
    }

    @Test("a save that fails (state directory under a regular file) is storage_failed and changes nothing")
    func saveFailureChangesNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let plain = directory.path + "/plain"
        let fd = open(plain, O_WRONLY | O_CREAT, 0o600)
        #expect(fd >= 0)
        close(fd)
        defer { unlink(plain) }
        let (r, h) = router(storePath: plain + "/calibration")
        let before = h.loop.status().calibration
        h.moveCollar(to: 0)
        _ = try #require(message(r.handle(.calibrate(.zero), from: Self.clinician)))
        h.moveCollar(to: 1.0)
        let depthBefore = try #require(r.status().depthMM)
        let error = failure(r.handle(.calibrate(.span(depthMM: 1.2)), from: Self.clinician))
        #expect(error?.code == .storageFailed)
        #expect(error?.message.contains("could not store the calibration") == true, "\(String(describing: error))")
        #expect(error?.message.contains(plain + "/calibration") == true)
        #expect(h.loop.status().calibration == before, "the calibration in use is unchanged")
        h.tick(10)
        let depthAfter = try #require(r.status().depthMM)
        #expect(abs(depthAfter - depthBefore) < 0.01, "depth still on the old scale: \(depthBefore) → \(depthAfter)")
    }

    @Test("span while armed is refused busy before anything is stored; the core's own refusals reach the wire")
    func spanRefusals() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/calibration"
        let (r, h) = router(storePath: path)
        // No zero captured yet: the core's invalid_request.
        #expect(failure(r.handle(.calibrate(.span(depthMM: 1)), from: Self.clinician))?.code == .invalidRequest)
        h.moveCollar(to: 0.4)
        _ = try #require(message(r.handle(.calibrate(.zero), from: Self.clinician)))
        // 0.1 mm of travel is ~100 counts: too small a span.
        h.moveCollar(to: 0.5)
        #expect(failure(r.handle(.calibrate(.span(depthMM: 0.1)), from: Self.clinician))?.code == .spanTooSmall)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        h.moveCollar(to: 0.9)
        let armed = failure(r.handle(.calibrate(.span(depthMM: 0.5)), from: Self.clinician))
        #expect(armed?.code == .busy)
        #expect(armed?.message.contains("nothing was stored") == true)
        #expect(contents(path) == nil)
    }
}
