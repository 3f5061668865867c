import Foundation
import Testing

/// Issue 9 item 12 through the real binary: `needled --rate` below the derived floor
/// (400 Hz) is refused before anything starts, naming both reasons; the floor itself runs.
@Suite("needled --rate: the derived floor")
struct RateFloorScenarioTests {
    @Test("--rate 399 is refused at start-up naming the sensor timeout and the monostable; no socket appears")
    func belowFloorRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("needled-rate-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("control.sock").path
        let process = Process()
        process.executableURL = DaemonProcess.binDirectory.appendingPathComponent("needled")
        process.arguments = ["--simulate", "--rate", "399", "--socket", socket, "--state-dir", directory.path + "/state"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // A needled that accepted the rate would run on: give it 10 s to refuse, then stop it.
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            Issue.record("needled started at 399 Hz")
        }
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(stderr.contains("--rate 399 Hz is outside 400...8000 Hz"), "\(stderr)")
        #expect(stderr.contains("5 ms sensor timeout"), "\(stderr)")
        #expect(stderr.contains("20 ms monostable pulse"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    @Test("--rate 400 starts and answers status")
    func floorRuns() throws {
        let d = try DaemonProcess(extraArguments: ["--rate", "400"])
        let status = try d.status()
        #expect(status["state"] as? String != nil)
        #expect(d.log.contains("rate_hz=400"), "the loop runs at the floor: \(d.log)")
    }
}
