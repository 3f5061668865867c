import NeedleConfig
import NeedleCore
import Testing
@testable import NeedleDaemon

/// Which calibration needled starts with, and that a pen with none cannot arm.
@Suite("Calibration at start-up")
struct CalibrationSourceTests {
    let measured = DepthCalibration(zeroCounts: 600, mmPerCount: 0.0012)
    let factory = DepthCalibration(zeroCounts: 512, mmPerCount: 0.001)

    @Test("one stored in the state directory wins over the factory one")
    func storedWins() {
        let config = Daemon.safetyConfig(stored: measured, factory: factory)
        #expect(config.calibrated)
        #expect(config.calibration == measured)
        #expect(Daemon.safetyConfig(stored: nil, factory: factory).calibration == factory)
    }

    @Test("a real pen with neither is uncalibrated, and arming is refused not_calibrated")
    func neitherRefusesToArm() {
        let config = Daemon.safetyConfig(stored: nil, factory: nil)
        #expect(!config.calibrated)
        var supervisor = SafetySupervisor(config: config, startNs: 1_000_000_000)
        let refused = supervisor.handle(.arm(Plan(targetDepthMM: 0.5)), nowNs: 1_000_000_000)
        guard case .failure(let refusal) = refused else {
            Issue.record("an uncalibrated pen armed")
            return
        }
        #expect(refusal.code == .notCalibrated)
    }

    @Test("the config's [hardware.calibration] is optional: absent in the example file, read when given")
    func configSectionOptional() throws {
        #expect(try NeedledConfig.parse(toml: "").hardware.calibration == nil)
        let given = try NeedledConfig.parse(toml: "[hardware.calibration]\nzero_counts = 100\nmm_per_count = 0.002\n")
        #expect(given.hardware.coreCalibration == DepthCalibration(zeroCounts: 100, mmPerCount: 0.002))
    }
}
