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

    @Test("a failed self-test is exit 1 naming the step and the clear that the latched fault needs")
    func selftestFails() throws {
        let d = try DaemonProcess()
        try d.waitFor { $0.depth != nil }
        #expect(try d.ctl("sim", "fault", "stall").status == 0)
        let result = try d.ctl("selftest")
        #expect(result.status == 1)
        #expect(result.stderr.contains("self-test failed at step motor"), "\(result.stderr)")
        #expect(result.stderr.contains("selftest_failed") && result.stderr.contains("needlectl clear"))
        #expect(try d.status().faults.contains("selftest_failed"))
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
