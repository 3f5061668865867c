import Foundation
import Testing

/// The real daemon on the simulated pen, driven as an operator would with needlectl.
@Suite("Scenarios: treatments through needlectl", .serialized)
struct TreatmentScenarioTests {
    @Test("a treatment is armed, started, watched and completes by its duration")
    func treatmentCompletes() throws {
        let d = try DaemonProcess()
        try d.ctl("sim", "depth", "0.6")
        try d.waitFor { ($0.depth ?? 0) > 0.595 && ($0.depth ?? 1) < 0.605 }
        let arm = try d.ctl("arm", "--depth", "0.6", "--speed", "8", "--area", "cheeks", "--duration", "1.5")
        #expect(arm.status == 0, "\(arm.stderr)")
        let start = try d.ctl("start")
        #expect(start.status == 0, "\(start.stderr)")
        let watch = try d.ctl("watch", "--count", "3", "--interval-ms", "100")
        #expect(watch.status == 0)
        #expect(watch.stdout.split(separator: "\n").count >= 3, "\(watch.stdout)")
        let running = try d.waitFor { ($0["strokes"] as? Int ?? 0) > 20 }
        #expect(running.state == "running")
        #expect(running.motorOn)
        #expect(running["area"] as? String == "cheeks")
        let done = try d.waitFor(5) { $0.state == "idle" }
        #expect(done["last_stop_reason"] as? String == "completed")
        #expect(!done.motorOn)
        #expect(d.terminate() == 0)
    }

    @Test("stop from needlectl turns the motor off and keeps the plan armed")
    func stopKeepsArmed() throws {
        let d = try DaemonProcess()
        try d.waitFor { $0.depth != nil }
        #expect(try d.ctl("arm", "--depth", "0.5").status == 0)
        #expect(try d.ctl("start").status == 0)
        try d.waitFor { $0.motorOn }
        #expect(try d.ctl("stop").status == 0)
        let after = try d.status()
        #expect(after.state == "armed")
        #expect(!after.motorOn)
    }

    @Test("home over-depth: the collar past 1.00 mm latches depth_limit; clear waits for the collar to return")
    func homeOverDepth() throws {
        let d = try DaemonProcess()
        try d.ctl("sim", "depth", "0.95")
        try d.waitFor { ($0.depth ?? 0) > 0.945 }
        #expect(try d.ctl("arm", "--depth", "0.95").status == 0)
        #expect(try d.ctl("start").status == 0)
        try d.ctl("sim", "depth", "1.2")
        let tripped = try d.waitFor { $0.faults.contains("depth_limit") }
        #expect(!tripped.motorOn)
        #expect(tripped.state == "fault")
        try d.waitFor { ($0.depth ?? 0) > 1.15 }
        let refused = try d.ctl("clear")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cause_present"), "\(refused.stderr)")
        try d.ctl("sim", "depth", "0.9")
        try d.waitFor { ($0.depth ?? 2) < 0.905 }
        #expect(try d.ctl("clear").status == 0)
        #expect(try d.status().state == "idle")
    }

    @Test("an injected fault through needlectl stops the running motor and latches", arguments: [
        ("estop", "estop"), ("driver-fault", "driver_fault"), ("magnet-missing", "sensor_fault"),
    ])
    func simFault(name: String, code: String) throws {
        let d = try DaemonProcess()
        try d.waitFor { $0.depth != nil }
        #expect(try d.ctl("arm", "--depth", "0.5").status == 0)
        #expect(try d.ctl("start").status == 0)
        try d.waitFor { $0.motorOn }
        #expect(try d.ctl("sim", "fault", name).status == 0)
        let latched = try d.waitFor { $0.faults.contains(code) }
        #expect(!latched.motorOn)
        #expect(try d.ctl("clear").status == 1, "refused while \(name) is present")
        #expect(try d.ctl("sim", "fault", name, "--clear").status == 0)
        try d.waitFor(2) { _ in (try? d.ctl("clear").status) == 0 }
    }

    @Test("the stroke rate is held within ±5 % under sim load 0.5 at speed 10")
    func strokeRateUnderLoad() throws {
        let d = try DaemonProcess()
        try d.waitFor { $0.depth != nil }
        try d.ctl("sim", "load", "0.5")
        #expect(try d.ctl("arm", "--depth", "0.5", "--speed", "10").status == 0)
        #expect(try d.ctl("start").status == 0)
        try d.waitFor { $0.motorOn }
        usleep(1_500_000)
        var rates: [Double] = []
        for _ in 0..<10 {
            rates.append(try d.status()["stroke_rate_hz"] as? Double ?? 0)
            usleep(50_000)
        }
        let mean = rates.reduce(0, +) / Double(rates.count)
        #expect(abs(mean - 150) / 150 < 0.05, "mean stroke rate \(mean) Hz under load")
    }

    @Test("SIGTERM while running: the daemon turns the motor off, removes its socket and exits 0")
    func sigtermWhileRunning() throws {
        let d = try DaemonProcess()
        try d.waitFor { $0.depth != nil }
        #expect(try d.ctl("arm", "--depth", "0.5").status == 0)
        #expect(try d.ctl("start").status == 0)
        try d.waitFor { $0.motorOn }
        #expect(d.terminate() == 0)
        #expect(!FileManager.default.fileExists(atPath: d.socketPath))
        #expect(d.log.contains("SIGTERM: stopping"))
        #expect(d.log.contains("motor off, outputs safe, socket removed"))
    }
}
