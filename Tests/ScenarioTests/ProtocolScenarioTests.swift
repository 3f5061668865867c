import Foundation
import Testing

/// Hostile and broken input against the real daemon: each gets an error, nothing changes.
@Suite("Scenarios: bad input and access", .serialized)
struct ProtocolScenarioTests {
    /// The parts of status that a bad request must not change.
    func essentials(_ s: [String: Any]) -> String {
        "\(s.state ?? "-") \(s["mode"] ?? "-") \(s["target_depth_mm"] ?? "-") \(s.faults) \(s.motorOn)"
    }

    @Test("malformed JSON, a 1 MiB line, unknown commands and out-of-range numbers: an error each, state unchanged")
    func badInputChangesNothing() throws {
        let d = try DaemonProcess()
        try d.waitFor { $0.depth != nil }
        #expect(try d.ctl("arm", "--depth", "0.5").status == 0)
        let before = essentials(try d.status())
        let cases: [(String, Data)] = [
            ("invalid_request", Data("{\"id\":1,\"cmd\":\"arm\",\"args\":{\"depth_mm\":0.7\n".utf8)),
            ("request_too_large", Data(repeating: UInt8(ascii: "x"), count: 1 << 20) + Data("\n".utf8)),
            ("unknown_command", Data("{\"id\":2,\"cmd\":\"overdrive\",\"args\":{}}\n".utf8)),
            ("invalid_request", Data("{\"id\":3,\"cmd\":\"arm\",\"args\":{\"depth_mm\":0.5,\"speed\":11}}\n".utf8)),
            ("depth_out_of_range", Data("{\"id\":4,\"cmd\":\"arm\",\"args\":{\"depth_mm\":2.5}}\n".utf8)),
            ("invalid_request", Data("{\"id\":5,\"cmd\":\"sim\",\"args\":{\"action\":\"load\",\"fraction\":7}}\n".utf8)),
            ("invalid_request", Data("{\"id\":6,\"cmd\":\"mode\",\"args\":{\"mode\":\"turbo\"}}\n".utf8)),
        ]
        for (expected, bytes) in cases {
            let reply = try d.rawRequest(bytes)
            #expect(reply["ok"] as? Bool == false)
            let code = (reply["error"] as? [String: Any])?["code"] as? String
            #expect(code == expected, "reply \(reply)")
            #expect(essentials(try d.status()) == before, "after a \(expected) request")
        }
    }

    @Test("needlectl exit codes: 0 done, 1 refused, 2 usage, 3 unreachable")
    func exitCodes() throws {
        let d = try DaemonProcess()
        #expect(try d.ctl("status").status == 0)
        let refused = try d.ctl("start")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not_armed"))
        #expect(try d.ctl("arm", "--depth", "abc").status == 2)
        #expect(try d.ctl("frobnicate").status == 2)
        let unreachable = try d.ctl(["status", "--socket", "/nonexistent/needled.sock"])
        #expect(unreachable.status == 3)
    }

    @Test("roles: a no-role peer is refused status, an operator clinical mode, a listed clinician is allowed",
          .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs root to act as another peer"))
    func clinicalNeedsAuthorization() throws {
        let d = try DaemonProcess(extraArguments: ["--clinician-uid", "65533"],
                                  config: "[access]\noperator_users = [65534]\n")
        chmod(d.socketPath, 0o666)  // let the unprivileged test peers connect
        chmod((d.socketPath as NSString).deletingLastPathComponent, 0o755)
        let nobody = try d.ctl(["status"], asUser: "65532")
        #expect(nobody.status == 1, "\(nobody.stderr)")
        #expect(nobody.stderr.contains("unauthorized"))
        let refused = try d.ctl(["mode", "clinical"], asUser: "65534")
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("unauthorized") && refused.stderr.contains("clinician"))
        #expect(try d.status()["mode"] as? String == "home")
        #expect(d.log.contains("refused mode clinical: needs the clinician role"))
        let allowed = try d.ctl(["mode", "clinical"], asUser: "65533")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try d.status()["mode"] as? String == "clinical")
        #expect(d.log.contains("mode changed"))
        let home = try d.ctl(["mode", "home"], asUser: "65534")
        #expect(home.status == 0, "an operator may narrow to home mode")
    }

    @Test("SIGHUP: a bad file keeps the old roles, a good one grants new ones at once",
          .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs root to act as another peer"))
    func reloadOnSIGHUP() throws {
        let d = try DaemonProcess(config: "[access]\nobserver_users = [65534]\n")
        chmod(d.socketPath, 0o666)
        chmod((d.socketPath as NSString).deletingLastPathComponent, 0o755)
        #expect(try d.ctl(["status"], asUser: "65534").status == 0)
        try d.reload("[access]\nobserver_users = [65532]\n[safety]\ntolerance_mm = 0.5\n")
        #expect(d.waitForLog("configuration not reloaded"), "\(d.log)")
        #expect(d.log.contains("safety.tolerance_mm = 0.5"))
        #expect(try d.ctl(["status"], asUser: "65534").status == 0, "the old roles stay")
        #expect(try d.ctl(["status"], asUser: "65532").status == 1)
        try d.reload("[access]\nobserver_users = [65532]\n[daemon]\nrate_hz = 2000\n")
        #expect(d.waitForLog("configuration reloaded"), "\(d.log)")
        #expect(d.waitForLog("need a restart"), "\(d.log)")
        #expect(try d.ctl(["status"], asUser: "65532").status == 0)
        #expect(try d.ctl(["status"], asUser: "65534").status == 1)
        #expect(d.terminate() == 0)
    }

    @Test("a bad config file at start-up: exit 1, the field named, no socket opened")
    func badConfigAtStart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("needled-bad-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("needled.toml").path
        let socket = directory.appendingPathComponent("control.sock").path
        try "[hardware.pwm]\nfrequency_hz = 5\n".write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = DaemonProcess.binDirectory.appendingPathComponent("needled")
        process.arguments = ["--config", config, "--socket", socket]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(stderr.contains("hardware.pwm.frequency_hz = 5: must be within 1000...100000"), "\(stderr)")
        #expect(stderr.contains(config))
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    @Test("sim commands move the simulated collar")
    func simWorks() throws {
        let d = try DaemonProcess()
        let result = try d.ctl("sim", "depth", "0.7")
        #expect(result.status == 0)
        try d.waitFor { ($0.depth ?? 0) > 0.69 }
    }
}
