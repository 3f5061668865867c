import NeedleConfig
import Logging
import NeedleCore
import NeedleSim
import Testing
@testable import NeedleDaemon

/// Which calibration needled starts with, and that a pen with none cannot arm.
@Suite("Calibration at start-up")
struct CalibrationSourceTests {
    let measured = DepthCalibration(zeroCounts: 600, mmPerCount: 0.0012)
    let factory = DepthCalibration(zeroCounts: 512, mmPerCount: 0.001)

    @Test("one stored in the state directory wins over the factory one")
    func storedWins() throws {
        let config = try Daemon.safetyConfig(stored: measured, factory: factory)
        #expect(config.calibrated)
        #expect(config.calibration == measured)
        #expect(try Daemon.safetyConfig(stored: nil, factory: factory).calibration == factory)
    }

    @Test("a real pen with neither is uncalibrated, and arming is refused not_calibrated")
    func neitherRefusesToArm() throws {
        let config = try Daemon.safetyConfig(stored: nil, factory: nil)
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
        let given = try NeedledConfig.parse(toml: "[hardware.calibration]\nzero_counts = 600\nmm_per_count = 0.002\n")
        #expect(try given.hardware.coreCalibration() == DepthCalibration(zeroCounts: 600, mmPerCount: 0.002))
    }

    @Test("a factory mm_per_count of 0.000001 is refused when the file is read, naming the key",
          arguments: [("mm_per_count = 0.000001", "hardware.calibration.mm_per_count"),
                      ("mm_per_count = 0.02", "hardware.calibration.mm_per_count"),
                      ("zero_counts = 3700\nmm_per_count = 0.001", "hardware.calibration.zero_counts"),
                      ("zero_counts = 100\nmm_per_count = 0.001", "hardware.calibration.zero_counts")])
    func factoryRefusedWhenRead(keys: String, field: String) throws {
        let file = try NeedledConfig.parse(toml: "[hardware.calibration]\n\(keys)\n")
        do {
            _ = try DaemonOptions(config: file, overrides: CommandLineOverrides())
            Issue.record("\(keys): accepted")
        } catch {
            #expect(error.field == field, "\(error)")
            #expect(error.description.contains(field), "\(error)")
        }
    }

    @Test("start-up with a factory calibration of 0.000001 mm/count stops before the pen is built, naming the key")
    func factoryStopsStartUp() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var hardware = HardwareSection()
        var section = CalibrationSection()
        section.mmPerCount = 0.000001
        hardware.calibration = section
        do {
            _ = try Daemon(
                options: DaemonOptions(
                    simulate: true, socketPath: directory.socketPath, hardware: hardware, stateDirectory: directory.statePath),
                logger: Logger(label: "test"))
            Issue.record("needled started with mm_per_count = 0.000001")
        } catch {
            #expect(error.description.contains("hardware.calibration.mm_per_count"), "\(error)")
        }
    }

    @Test("any calibration handed to start-up is checked: a bad stored or factory one throws")
    func safetyConfigChecks() {
        let bad = DepthCalibration(zeroCounts: 512, mmPerCount: 0.000001)
        #expect(throws: DaemonError.self) { _ = try Daemon.safetyConfig(stored: bad, factory: factory) }
        #expect(throws: DaemonError.self) { _ = try Daemon.safetyConfig(stored: nil, factory: bad) }
    }

    @Test("the simulated pen's own calibration and [hardware.calibration]'s defaults (the VM rig's values) pass the check")
    func shippedCalibrationsPass() {
        #expect(CalibrationMath.problem(with: DaemonDefaults.calibration(of: SimulatedPen.calibration)) == nil)
        #expect(CalibrationMath.problem(with: CalibrationSection().core) == nil, "[hardware.calibration]'s defaults")
    }
}

extension CalibrationSection {
    var core: DepthCalibration { DepthCalibration(zeroCounts: zeroCounts, mmPerCount: mmPerCount) }
}
