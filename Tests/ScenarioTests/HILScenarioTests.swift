import Foundation
import Testing

/// Every HIL scenario file (hardware/hil/scenarios) against the simulated world: the real
/// needled and needlectl driven by needle-hil, exactly as the VM rig runs them on the
/// kernel's devices. Kernel-only scenarios are reported as skipped by the runner. The run's
/// --junit report is read back too.
@Suite("HIL scenarios on the simulated pen")
struct HILScenarioTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("every hardware/hil/scenarios/*.hil passes in the simulated world (needle-hil --world sim)")
    func allScenariosPassOnTheSimulatedPen() throws {
        let directory = Self.repo.appendingPathComponent("hardware/hil/scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".hil") }.sorted().map { directory.appendingPathComponent($0).path }
        #expect(files.count >= 12)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("needle-hil-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: work) }
        let bin = DaemonProcess.binDirectory
        let process = Process()
        process.executableURL = bin.appendingPathComponent("needle-hil")
        process.arguments = [
            "--world", "sim", "--needled", bin.appendingPathComponent("needled").path,
            "--needlectl", bin.appendingPathComponent("needlectl").path, "--work", work.path,
            "--junit", work.appendingPathComponent("junit.xml").path,
        ] + files
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "needle-hil failed:\n\(output)")
        #expect(output.contains("0 failed"), "\(output)")
        // The JUnit report of the same run: one test case per scenario file, none failed.
        let junit = try String(contentsOf: work.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.components(separatedBy: "<testcase ").count - 1 == files.count)
        #expect(junit.contains("tests=\"\(files.count)\" failures=\"0\""), "\(junit)")
    }
}
