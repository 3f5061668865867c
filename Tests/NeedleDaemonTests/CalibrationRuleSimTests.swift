#if canImport(Glibc)
import Glibc
#endif
import Logging
import NeedleCore
import NeedleProtocol
import NeedleSim
import Testing
@testable import NeedleDaemon

/// DESIGN.md §3 rule 10 on the simulated pen: a calibration that would read wrong depths is
/// never used, whether it comes from the factory, the state directory or a measurement.
@Suite("Calibration check on the simulated pen")
struct CalibrationRuleSimTests {
    static let clinician = PeerCredentials(pid: 22, uid: 1003, gid: 1003)

    @Test("the field's factory 0.000001 mm/count: armed at 0.05 mm, the motor never runs with the collar at 2.5 mm")
    func factoryScaleReproduction() {
        // The collar really turns 0.001 mm per count (the simulated pen's own); the pen is
        // handed a factory scale 1000 times too fine, so 2.5 mm would read 0.0025 mm.
        let h = SimLoopHarness(config: SafetyConfig(calibration: DepthCalibration(zeroCounts: 512, mmPerCount: 0.000001)))
        h.moveCollar(to: 0.05)
        h.waitForCartridge()
        _ = h.command(.arm(Plan(targetDepthMM: 0.05)))
        _ = h.command(.start)
        h.tick(20)
        h.pen.setDepth(mm: 2.5)
        // The collar moves at 5 mm/s: 2.45 mm take 490 ms; then it stays at 2.5 mm.
        var ranDeep = false
        for _ in 0..<800 {
            h.tick()
            if h.pen.snapshot().motorEnable, h.pen.snapshot().collarDepthMM >= 1.0 { ranDeep = true }
        }
        #expect(!ranDeep, "the motor ran with the collar at 2.5 mm, reading \(h.loop.status().depthMM ?? -1) mm")
        #expect(!h.loop.status().calibrated)
    }

    /// A router on a fresh simulated pen whose calibration store is `path`.
    func router(storePath: String) -> (CommandRouter, SimLoopHarness) {
        let h = SimLoopHarness(config: .uncalibrated())
        let router = CommandRouter(
            loop: h.loop, clock: h.clock, policy: AccessPolicy(clinicianUIDs: [1003]),
            hardware: .simulated, sim: SimControl(pen: h.pen), calibrationStore: CalibrationStore(path: storePath),
            logger: Logger(label: "test"), groupsOf: { _ in [] })
        h.tick(10)
        return (router, h)
    }

    @Test("calibrate span with the collar turned the wrong way is calibration_invalid; nothing is stored or used")
    func wrongWaySpanOnTheWire() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/calibration"
        let (r, h) = router(storePath: path)
        // Zero taken at the wrong end: the collar then moves shallower, and the clinician
        // names that point 0.8 mm deep.
        h.moveCollar(to: 1.0)
        guard case .success = r.handle(.calibrate(.zero), from: Self.clinician) else {
            Issue.record("zero refused")
            return
        }
        h.moveCollar(to: 0.2)
        guard case .failure(let error) = r.handle(.calibrate(.span(depthMM: 0.8)), from: Self.clinician) else {
            Issue.record("a span below the zero was accepted")
            return
        }
        #expect(error.code == .calibrationInvalid)
        #expect(error.message.contains("grow with depth"), "\(error.message)")
        #expect(access(path, F_OK) != 0, "nothing stored")
        #expect(!h.loop.status().calibrated)
    }
}
