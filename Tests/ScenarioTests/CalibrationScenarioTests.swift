import Foundation
import Testing

/// `selftest`, `calibrate` and `arm` by area through the real needlectl and needled.
@Suite("Scenarios: self-test, calibration and area defaults through needlectl", .serialized)
struct CalibrationScenarioTests {
    @Test("needlectl selftest waits for the verdict: passed is exit 0")
    func selftestPasses() throws {
        let d = try DaemonProcess()
        try d.waitFor { $0.depth != nil }
        let result = try d.ctl("selftest")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "self-test passed\n")
        let status = try d.status()
        #expect((status["self_test"] as? [String: Any])?["result"] as? String == "passed")
        #expect(status.state == "idle")
    }

    @Test("a failed self-test is exit 1 naming the step; after clear, arm stays refused (selftest_required) until one passes")
    func selftestFails() throws {
        let d = try DaemonProcess()
        try d.waitFor { $0.depth != nil }
        #expect(try d.ctl("sim", "fault", "stall").status == 0)
        let result = try d.ctl("selftest")
        #expect(result.status == 1)
        #expect(result.stderr.contains("self-test failed at step motor"), "\(result.stderr)")
        #expect(result.stderr.contains("selftest_failed") && result.stderr.contains("needlectl clear"))
        #expect(try d.status().faults.contains("selftest_failed"))
        // The stall stays injected: clear drops the fault, but the pen does not arm.
        #expect(try d.ctl("clear").status == 0)
        let arm = try d.ctl("arm", "--depth", "0.5")
        #expect(arm.status == 1)
        #expect(arm.stderr.contains("selftest_required"), "\(arm.stderr)")
        #expect(try d.ctl("start").status == 1)
        #expect(try d.status()["motor_on"] as? Bool == false)
        // The cause fixed and a self-test passed, it arms.
        #expect(try d.ctl("sim", "fault", "stall", "--clear").status == 0)
        #expect(try d.ctl("selftest").status == 0)
        #expect(try d.ctl("arm", "--depth", "0.5").status == 0)
    }

    @Test("the power-on self-test never turns the motor: it passes with its motor step not run and no stroke")
    func powerOnTestDoesNotSpin() throws {
        let d = try DaemonProcess()
        let status = try d.waitFor { ($0["self_test"] as? [String: Any])?["result"] as? String != "running" }
        let test = status["self_test"] as? [String: Any]
        #expect(test?["result"] as? String == "passed")
        #expect(test?["motor"] as? String == "not_run")
        #expect(status["strokes"] as? Int == 0, "the cam never turned")
        #expect(status["motor_on"] as? Bool == false)
    }

    @Test("calibrate zero and span store the calibration in the state directory; status shows it in use")
    func calibrate() throws {
        let d = try DaemonProcess()
        try d.ctl("sim", "depth", "0")
        try d.waitFor { ($0.depth ?? 1) < 0.003 }
        let zero = try d.ctl("calibrate", "zero")
        #expect(zero.status == 0, "\(zero.stderr)")
        #expect(zero.stdout.contains("zero captured at"))
        try d.ctl("sim", "depth", "1.5")
        try d.waitFor { ($0.depth ?? 0) > 1.497 }
        let span = try d.ctl("calibrate", "span", "--depth", "1.5")
        #expect(span.status == 0, "\(span.stderr)")
        #expect(span.stdout.contains("mm/count") && span.stdout.contains(d.stateDirectory + "/calibration"), "\(span.stdout)")
        let stored = try String(contentsOfFile: d.stateDirectory + "/calibration", encoding: .utf8)
        #expect(stored.contains("mm_per_count="))
        #expect(try d.status()["calibrated"] as? Bool == true)
        let table = try d.ctl("status")
        #expect(table.stdout.contains("calibration:") && table.stdout.contains("self-test:") && table.stdout.contains("cartridge:"))
        // Usage errors never reach the daemon.
        #expect(try d.ctl("calibrate", "span", "--depth", "0").status == 2)
        #expect(try d.ctl("calibrate", "span").status == 2)
    }

    @Test("arm --area alone takes the area's default depth, speed and session time")
    func armByArea() throws {
        let d = try DaemonProcess()
        try d.waitFor { $0.depth != nil }
        let arm = try d.ctl("arm", "--area", "forehead")
        #expect(arm.status == 0, "\(arm.stderr)")
        let status = try d.status()
        #expect(status["target_depth_mm"] as? Double == 0.5)
        #expect(status["duration_s"] as? Double == 120)
        #expect(status["speed"] as? Int == 5)
        #expect(status["override"] as? Bool == false)
        #expect(try d.ctl("arm").status == 2, "neither --depth nor --area is a usage error")
    }
}
