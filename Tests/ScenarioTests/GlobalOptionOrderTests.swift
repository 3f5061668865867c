import Foundation
import Testing
@testable import needlectl

/// `--socket` and `--json` before the subcommand work like after it.
@Suite("needlectl: global options before or after the subcommand")
struct GlobalOptionOrderTests {
    @Test("leading --socket P / --socket=P / --json move behind the subcommand's words, before a -- terminator",
          arguments: [
            (["--socket", "/s", "status"], ["status", "--socket", "/s"]),
            (["--json", "--socket=/s", "history", "--area", "neck"], ["history", "--area", "neck", "--json", "--socket=/s"]),
            (["--socket", "/s", "sim", "fault", "estop", "--", "x"], ["sim", "fault", "estop", "--socket", "/s", "--", "x"]),
            (["status", "--socket", "/s"], ["status", "--socket", "/s"]),
            (["--help"], ["--help"]),
            (["--socket"], ["--socket"]),
            (["--json"], ["--json"]),
          ])
    func reorders(_ given: [String], _ expected: [String]) {
        #expect(GlobalArgumentOrder.normalized(given) == expected)
    }

    @Test("the real binary: --socket before the subcommand is used (exit 3 naming that path), --json before it too")
    func binary() throws {
        let path = "/nonexistent/clinic-\(getpid()).sock"
        for arguments in [["--socket", path, "status"], ["--json", "--socket=\(path)", "plan"], ["status", "--socket", path]] {
            let result = try Self.run(arguments)
            #expect(result.status == 3, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(path), "\(arguments): \(result.stderr)")
        }
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let ctl = Process()
        ctl.executableURL = DaemonProcess.binDirectory.appendingPathComponent("needlectl")
        ctl.arguments = arguments
        let err = Pipe()
        ctl.standardError = err
        ctl.standardOutput = FileHandle.nullDevice
        try ctl.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        ctl.waitUntilExit()
        return (ctl.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
