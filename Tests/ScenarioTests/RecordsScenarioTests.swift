import Foundation
import Testing

/// Treatment records kept by the real daemon on the simulated pen, read back with needlectl.
@Suite("Scenarios: treatment records through needlectl", .serialized)
struct RecordsScenarioTests {
    func sessions(_ d: DaemonProcess, _ arguments: String...) throws -> [[String: Any]] {
        let history = try d.ctl(["history", "--json"] + arguments)
        #expect(history.status == 0, "\(history.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
        return object?["sessions"] as? [[String: Any]] ?? []
    }

    /// Turns the collar, arms the area with a short session, starts, waits for completion.
    func treat(_ d: DaemonProcess, area: String, depth: Double) throws {
        try d.ctl("sim", "depth", String(depth))
        try d.waitFor { abs(($0.depth ?? 0) - depth) < 0.005 }
        let arm = try d.ctl("arm", "--area", area, "--depth", String(depth), "--duration", "1.5")
        #expect(arm.status == 0, "\(arm.stderr)")
        let start = try d.ctl("start")
        #expect(start.status == 0, "\(start.stderr)")
        let done = try d.waitFor(6) { $0.state == "idle" && $0["last_stop_reason"] as? String == "completed" }
        #expect(!done.motorOn)
    }

    @Test("two full sessions on two areas: history --json shows both with plausible depths and strokes")
    func twoSessions() throws {
        let d = try DaemonProcess()
        try treat(d, area: "forehead", depth: 0.5)
        // A fresh cartridge for the second session: the first one is marked used.
        #expect(try d.ctl("sim", "cartridge", "remove").status == 0)
        #expect(try d.ctl("sim", "cartridge", "insert", "--serial", "CX-0002", "--lot", "LOT-B", "--needles", "12").status == 0)
        try d.waitFor { (($0["cartridge"] as? [String: Any])?["serial"] as? String) == "CX-0002" }
        try treat(d, area: "neck", depth: 0.7)
        // Give the recorder (100 ms period) time to write the close.
        try d.waitFor { _ in ((try? sessions(d)) ?? []).compactMap { $0["end_reason"] as? String }.count == 2 }
        let rows = try sessions(d)
        try #require(rows.count == 2)
        #expect(rows.map { $0["area"] as? String } == ["forehead", "neck"])
        #expect(rows.map { $0["end_reason"] as? String } == ["completed", "completed"])
        #expect(rows.map { $0["cartridge_serial"] as? String } == ["SIM000000001", "CX-0002"])
        for (row, target) in zip(rows, [0.5, 0.7]) {
            let mean = row["depth_mean_mm"] as? Double ?? -1
            let low = row["depth_min_mm"] as? Double ?? -1
            let high = row["depth_max_mm"] as? Double ?? -1
            #expect(abs(mean - target) < 0.02, "mean \(mean) for target \(target)")
            #expect(low <= mean && mean <= high && high - low < 0.1)
            let strokes = row["strokes"] as? Int ?? 0
            let seconds = row["motor_on_s"] as? Double ?? 0
            // 1.5 s at 60–150 strokes per second, soft start included.
            #expect(strokes > 60 && strokes < 240, "strokes \(strokes)")
            #expect(abs(seconds - 1.5) < 0.05)
            #expect((row["started_at"] as? String)?.hasSuffix("Z") == true)
        }
        #expect(try sessions(d, "--area", "neck").count == 1)
        // The same area again at once: a home pen refuses it.
        let again = try d.ctl("arm", "--area", "forehead")
        #expect(again.status == 1)
        #expect(again.stderr.contains("too_soon"), "\(again.stderr)")
        let plan = try d.ctl("plan")
        #expect(plan.stdout.contains("forehead"), "\(plan.stdout)")
        let csvPath = d.stateDirectory + "/../export.csv"
        #expect(try d.ctl("export", "--csv", csvPath).status == 0)
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == 3, "\(csv)")
        // Health data: owner-only whatever needlectl's umask.
        let mode = (try FileManager.default.attributesOfItem(atPath: csvPath)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600, "mode \(String(mode ?? 0, radix: 8))")
        let unwritable = try d.ctl("export", "--csv", d.stateDirectory + "/no-such-directory/export.csv")
        #expect(unwritable.status == 1)
        #expect(unwritable.stderr.contains("No such file or directory"), "\(unwritable.stderr)")
        #expect(d.terminate() == 0)
    }

    @Test("a daemon killed mid-session: the next start closes its row as interrupted")
    func killedMidSession() throws {
        let first = try DaemonProcess()
        try first.ctl("sim", "depth", "0.5")
        try first.waitFor { abs(($0.depth ?? 0) - 0.5) < 0.005 }
        #expect(try first.ctl("arm", "--area", "forehead").status == 0)
        #expect(try first.ctl("start").status == 0)
        try first.waitFor { _ in ((try? sessions(first)) ?? []).first?["strokes"] as? Int ?? 0 > 50 }
        first.kill9()
        let second = try DaemonProcess(stateDirectory: first.stateDirectory)
        let rows = try sessions(second)
        try #require(rows.count == 1)
        #expect(rows[0]["end_reason"] as? String == "interrupted")
        #expect(rows[0]["ended_at"] as? String != nil)
        #expect(rows[0]["strokes"] as? Int ?? 0 > 50)
        #expect(second.terminate() == 0)
    }
}
