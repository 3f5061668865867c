import Foundation
import Testing

/// One needled per pen (issue 9 §2 item 3): a second `needled` on the same state directory
/// exits with an error naming the lock file and the running one's pid, and the running
/// one's open treatment session is not closed as `interrupted` behind its back.
@Suite("Scenarios: a second needled on the same state", .serialized)
struct SingleInstanceScenarioTests {
    /// Runs `needled --simulate` to its exit (at most 10 s); returns its status and output.
    func runToExit(stateDirectory: String, socket: String) throws -> (status: Int32, log: String) {
        let process = Process()
        process.executableURL = DaemonProcess.binDirectory.appendingPathComponent("needled")
        process.arguments = ["--simulate", "--socket", socket, "--state-dir", stateDirectory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return (-1, String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        return (process.terminationStatus, String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test("a second needled on a running one's state directory exits 1 naming the lock and pid; the first's session stays open")
    func secondInstanceRefused() throws {
        let first = try DaemonProcess()
        try first.ctl("sim", "depth", "0.5")
        try first.waitFor { abs(($0.depth ?? 0) - 0.5) < 0.005 }
        #expect(try first.ctl("arm", "--area", "forehead").status == 0)
        #expect(try first.ctl("start").status == 0)
        func rows() throws -> [[String: Any]] {
            let history = try first.ctl("history", "--json")
            let object = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
            return object?["sessions"] as? [[String: Any]] ?? []
        }
        try first.waitFor { _ in ((try? rows()) ?? []).count == 1 }

        let socket = first.stateDirectory + "/../second.sock"
        let second = try runToExit(stateDirectory: first.stateDirectory, socket: socket)
        #expect(second.status == 1, "\(second.log)")
        #expect(second.log.contains(first.stateDirectory + "/needled.lock"), "\(second.log)")
        #expect(second.log.contains("pid \(first.process.processIdentifier)"), "\(second.log)")
        #expect(!FileManager.default.fileExists(atPath: socket), "the second daemon never served a socket")

        let after = try rows()
        try #require(after.count == 1)
        #expect(after[0]["end_reason"] as? String == nil, "the running session was closed: \(after[0])")
        let status = try first.status()
        #expect(status.state == "running" && status.motorOn, "the first daemon's treatment still runs: \(status)")
        #expect(!first.log.contains("closed as interrupted"))
        #expect(first.terminate() == 0)
    }
}
