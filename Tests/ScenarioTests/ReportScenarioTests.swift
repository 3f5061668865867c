import Foundation
import Testing

/// A session's report through the real daemon: its trace sampled while it ran, drawn by
/// needlectl, rendered by rsvg-convert.
@Suite("Scenarios: session reports through needlectl", .serialized)
struct ReportScenarioTests {
    @Test("a 3 s session with --client: report writes an SVG with its facts and ~30 trace samples that renders to PNG")
    func reportOfARealSession() throws {
        let d = try DaemonProcess()
        try d.ctl("sim", "depth", "0.5")
        try d.waitFor { abs(($0.depth ?? 0) - 0.5) < 0.005 }
        let arm = try d.ctl("arm", "--area", "forehead", "--duration", "3", "--client", "C-0042")
        #expect(arm.status == 0, "\(arm.stderr)")
        #expect(try d.ctl("start").status == 0)
        try d.waitFor(8) { $0.state == "idle" && $0["last_stop_reason"] as? String == "completed" }
        // The recorder (100 ms period) closes the row and the trace.
        var reply: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(3)
        repeat {
            let raw = try d.ctl("--json", "history")
            let rows = (try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [String: Any])?["sessions"] as? [[String: Any]]
            if rows?.first?["end_reason"] as? String == "completed" {
                // The row says whom it treated and on which backend.
                #expect(rows?.first?["client"] as? String == "C-0042")
                #expect(rows?.first?["backend"] as? String == "simulated")
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        // The wire reply itself, for the trace's numbers.
        let line = try d.rawRequest(Data(#"{"id":1,"cmd":"session","args":{"id":1}}"#.utf8 + [0x0A]))
        reply = (line["result"] as? [String: Any]) ?? [:]
        #expect(reply["client"] as? String == "C-0042")
        let trace = reply["trace"] as? [String: Any]
        let times = trace?["t_ms"] as? [Int] ?? []
        let depths = trace?["depth_mm"] as? [Any] ?? []
        let rates = trace?["stroke_rate_hz"] as? [Double] ?? []
        // 3 s of motor time at about 10 Hz, plus the samples before the first stroke counted.
        #expect((25...45).contains(times.count), "\(times.count) samples")
        #expect(depths.count == times.count && rates.count == times.count)
        #expect(times == times.sorted(), "sample times only grow")
        #expect(depths.compactMap { $0 as? Double }.allSatisfy { abs($0 - 0.5) < 0.06 })
        #expect((rates.max() ?? 0) > 80, "the rate reached its target of 94.4 Hz")
        #expect(reply["limit_mm"] as? Double == 1.0 && reply["tolerance_mm"] as? Double == 0.05)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-scenario-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("session-1.svg").path
        let written = try d.ctl("report", "1", "--out", svg)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("report written to \(svg)"))
        let mode = (try FileManager.default.attributesOfItem(atPath: svg)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600, "the report is owner-only: \(String(mode ?? 0, radix: 8))")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        for fact in ["Treatment session #1", "C-0042", "forehead", "home limit 1.00 mm", "completed", "SIM000000001"] {
            #expect(text.contains(fact), "missing \(fact)")
        }
        #expect(try d.ctl("report", "99", "--out", svg).stderr.contains("unknown_session"))
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") {
            let png = directory.appendingPathComponent("session-1.png").path
            let convert = Process()
            convert.executableURL = URL(fileURLWithPath: "/usr/bin/rsvg-convert")
            convert.arguments = ["-o", png, svg]
            try convert.run()
            convert.waitUntilExit()
            #expect(convert.terminationStatus == 0)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            if let keep = ProcessInfo.processInfo.environment["NEEDLE_REPORT_SCENARIO_PNG"] {
                try? FileManager.default.removeItem(atPath: keep)
                try FileManager.default.copyItem(atPath: png, toPath: keep)
                try? FileManager.default.removeItem(atPath: keep + ".svg")
                try FileManager.default.copyItem(atPath: svg, toPath: keep + ".svg")
            }
        }
    }
}
