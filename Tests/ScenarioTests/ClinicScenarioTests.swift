import Foundation
import Testing

@testable import NeedleRecords

/// A clinic's day through the real daemon on the simulated pen, with needlectl only (issue 12).
@Suite("Scenarios: a clinic's records through needlectl", .serialized)
struct ClinicScenarioTests {
    func rows(_ d: DaemonProcess, _ arguments: String...) throws -> [[String: Any]] {
        let history = try d.ctl(["history", "--json"] + arguments)
        #expect(history.status == 0, "\(history.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
        return object?["sessions"] as? [[String: Any]] ?? []
    }

    /// Seats a fresh cartridge (a new session needs one: the last one's serial is recorded).
    func seat(_ d: DaemonProcess, _ serial: String) throws {
        #expect(try d.ctl("sim", "cartridge", "remove").status == 0)
        #expect(try d.ctl("sim", "cartridge", "insert", "--serial", serial, "--lot", "LOT-B", "--needles", "12").status == 0)
        try d.waitFor { (($0["cartridge"] as? [String: Any])?["serial"] as? String) == serial }
    }

    func treat(_ d: DaemonProcess, area: String, client: String) throws {
        let arm = try d.ctl("arm", "--area", area, "--depth", "1.5", "--duration", "1.5", "--client", client)
        #expect(arm.status == 0, "\(arm.stderr)")
        #expect(try d.ctl("start").status == 0)
        try d.waitFor(8) { $0.state == "idle" && $0["last_stop_reason"] as? String == "completed" }
    }

    @Test("two clients, three sessions, a note, a report after a restart, a backup, history --verify passing")
    func clinicsDay() throws {
        let d = try DaemonProcess()
        #expect(try d.ctl("mode", "clinical").status == 0)
        try d.ctl("sim", "depth", "1.5")
        try d.waitFor { abs(($0.depth ?? 0) - 1.5) < 0.005 }
        try treat(d, area: "cheeks", client: "C-0042")
        try seat(d, "CX-0002")
        try treat(d, area: "cheeks", client: "C-0043")
        try seat(d, "CX-0003")
        try treat(d, area: "neck", client: "C-0043")
        try d.waitFor { _ in ((try? rows(d)) ?? []).compactMap { $0["end_reason"] as? String }.count == 3 }

        let note = try d.ctl("note", "1", "--event", "infection", "--text", "redness on day 3")
        #expect(note.status == 0, "\(note.stderr)")
        #expect(note.stdout.contains("added to session 1: infection"), "\(note.stdout)")
        #expect(try d.ctl("note", "9", "--event", "pain").stderr.contains("unknown_session"))
        #expect(try d.ctl("note", "1", "--event", "rash").status == 2, "an unknown event is a usage error")
        let history = try d.ctl("history", "--client", "C-0042")
        #expect(history.stdout.contains("infection: redness on day 3"), "\(history.stdout)")
        let first = try rows(d, "--client", "C-0042").first
        #expect((first?["notes"] as? [[String: Any]])?.first?["event"] as? String == "infection")

        let plan = try d.ctl("plan", "--client", "C-0043")
        #expect(plan.stdout.contains("1 of 3–4"), "\(plan.stdout)")

        let verify = try d.ctl("history", "--verify")
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("hash chain intact: 4 sealed rows"), "\(verify.stdout)")

        let directory = URL(fileURLWithPath: d.stateDirectory).deletingLastPathComponent().path
        let backup = directory + "/backup.sqlite"
        let made = try d.ctl("backup", backup)
        #expect(made.status == 0, "\(made.stderr)")
        let mode = (try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600, "the backup is owner-only: \(String(mode ?? 0, radix: 8))")
        let copy = try TreatmentRecordStore(path: backup)
        let live = try rows(d)
        #expect(try copy.history().map(\.id) == live.map { ($0["id"] as? Int).map(Int64.init) })
        #expect(try copy.history().map(\.client) == live.map { $0["client"] as? String })
        #expect(try copy.notes(sessionIDs: [1])[1]?.first?.text == "redness on day 3")
        #expect(try copy.verifyChain().intact && copy.verifyChain().entries == 4)
        #expect(try copy.trace(sessionID: 2)?.count ?? 0 > 10, "the traces are in the copy too")

        // After a restart the traces come from the records, not from memory.
        #expect(d.terminate() == 0)
        let again = try DaemonProcess(stateDirectory: d.stateDirectory)
        let svg = directory + "/session-2.svg"
        let report = try again.ctl("report", "2", "--out", svg)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(!report.stdout.contains("no trace"), "\(report.stdout)")
        let session = try again.rawRequest(Data(#"{"id":1,"cmd":"session","args":{"id":2}}"#.utf8 + [0x0A]))
        let trace = (session["result"] as? [String: Any])?["trace"] as? [String: Any]
        #expect(((trace?["t_ms"] as? [Int])?.count ?? 0) > 10)
        #expect(try again.ctl("history", "--verify").status == 0)
        #expect(again.terminate() == 0)
    }

    @Test("6,000 sessions: history, history --limit, export and verify all work through the socket's reply cap")
    func sixThousandSessions() throws {
        let root = "/tmp/needle-clinic-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let state = root + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        do {
            // Written in one transaction, open: the daemon closes them as interrupted at start
            // and seals each into the chain.
            let store = try TreatmentRecordStore(path: state + "/treatments.sqlite")
            try store.write("seed 6,000 sessions") { db in
                for index in 0..<6_000 {
                    let start = 1_780_000_000_000 + Int64(index) * 60_000
                    let record = TreatmentRecord(
                        startedAtMs: start, updatedAtMs: start + 30_000, mode: "clinical", area: "cheeks",
                        targetDepthMM: 1.5, speedLevel: 5, client: "C-\(index % 50)", backend: "simulated")
                    try db.execute(TreatmentRecord.insertSQL, record.values)
                }
            }
        }
        let d = try DaemonProcess(stateDirectory: state)
        let all = try d.ctl("history")
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.split(separator: "\n").count == 6_001, "a header and 6,000 rows")
        let json = try rows(d)
        #expect(json.count == 6_000 && json.first?["id"] as? Int == 1 && json.last?["id"] as? Int == 6_000)
        let newest = try rows(d, "--limit", "5")
        #expect(newest.compactMap { $0["id"] as? Int } == Array(5_996...6_000))
        let csv = root + "/export.csv"
        let export = try d.ctl("export", "--csv", csv)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("6000 sessions written"))
        #expect(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n").count == 6_001)
        let verify = try d.ctl("history", "--verify")
        #expect(verify.stdout.contains("intact: 6000 sealed rows"), "\(verify.stdout)\(verify.stderr)")
        #expect(d.terminate() == 0)
    }
}
