import Foundation
import NeedleProtocol

/// A real `needled --simulate` started for one test, on its own socket, and the tools to
/// talk to it: `needlectl` as a subprocess, and raw lines on the socket.
final class DaemonProcess: @unchecked Sendable {
    static let binDirectory: URL = {
        // The test bundle sits next to the products it depends on (needled, needlectl).
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }()

    let socketPath: String
    let process = Process()
    let logFile: URL
    /// The daemon's --config file (its own, so a machine's /etc/needled never leaks in).
    let configPath: String
    /// The daemon's --state-dir (created by needled itself).
    let stateDirectory: String
    private let directory: URL

    /// `stateDirectory`: another daemon's, to start where it left off (records, calibration).
    init(extraArguments: [String] = [], config: String = "", stateDirectory reused: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("needled-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socketPath = directory.appendingPathComponent("control.sock").path
        logFile = directory.appendingPathComponent("needled.log")
        configPath = directory.appendingPathComponent("needled.toml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw ScenarioError.daemonDidNotStart(log: "cannot create \(logFile.path)")
        }
        process.executableURL = Self.binDirectory.appendingPathComponent("needled")
        // Its own state directory too: no test reads or writes the machine's /var/lib/needled.
        stateDirectory = reused ?? directory.appendingPathComponent("state").path
        process.arguments =
            ["--simulate", "--socket", socketPath, "--config", configPath, "--state-dir", stateDirectory] + extraArguments
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socketPath) {
            guard Date() < deadline, process.isRunning else { throw ScenarioError.daemonDidNotStart(log: self.log) }
            usleep(20_000)
        }
        // needled runs its power-on self-test first (a few hundred ms; it spins the motor
        // and wants the collar still): tests start once it is over.
        _ = try waitFor(10) { ($0["state"] as? String) != "self_test" }
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Replaces the config file and sends SIGHUP.
    func reload(_ config: String) throws {
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
    }

    /// Waits until the log contains `text`.
    func waitForLog(_ text: String, seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !log.contains(text) {
            guard Date() < deadline else { return false }
            usleep(20_000)
        }
        return true
    }

    /// Kills the daemon outright (SIGKILL: no clean-up runs) and waits for it.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends SIGTERM and waits for the exit status.
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    struct CtlResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs needlectl against this daemon.
    @discardableResult
    func ctl(_ arguments: String...) throws -> CtlResult {
        try ctl(arguments)
    }

    func ctl(_ arguments: [String], asUser user: String? = nil) throws -> CtlResult {
        let ctl = Process()
        let binary = Self.binDirectory.appendingPathComponent("needlectl").path
        if let user {
            // Drop to another user to be a different SO_PEERCRED peer (the tests run as root).
            ctl.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            ctl.arguments = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", binary] + arguments
        } else {
            ctl.executableURL = URL(fileURLWithPath: binary)
            ctl.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["NEEDLED_SOCKET"] = socketPath
        ctl.environment = environment
        let out = Pipe()
        let err = Pipe()
        ctl.standardOutput = out
        ctl.standardError = err
        try ctl.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        ctl.waitUntilExit()
        return CtlResult(
            status: ctl.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The `status` result as JSON, through needlectl.
    func status() throws -> [String: Any] {
        let result = try ctl("status", "--json")
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else { throw ScenarioError.badStatus(result.stdout + result.stderr) }
        return object
    }

    /// Polls status until `condition` holds or `seconds` pass.
    @discardableResult
    func waitFor(_ seconds: Double = 5, _ condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        var last = try status()
        while !condition(last) {
            guard Date() < deadline else {
                throw ScenarioError.timedOut(last.description + "\nneedled log (tail):\n" + log.split(separator: "\n").suffix(15).joined(separator: "\n"))
            }
            usleep(20_000)
            last = try status()
        }
        return last
    }

    /// Sends raw bytes on a fresh connection and returns the first reply line.
    func rawRequest(_ bytes: Data) throws -> [String: Any] {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ScenarioError.socket(errno) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: socketPath.utf8.prefix(buffer.count - 1))
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw ScenarioError.socket(errno) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                guard n > 0 else { throw ScenarioError.socket(errno) }
                offset += n
            }
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(UInt8(ascii: "\n")) {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { throw ScenarioError.socket(errno) }
            received.append(contentsOf: buffer[0..<n])
        }
        let line = received.prefix { $0 != UInt8(ascii: "\n") }
        guard let reply = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw ScenarioError.badStatus(String(decoding: line, as: UTF8.self))
        }
        return reply
    }
}

enum ScenarioError: Error, CustomStringConvertible {
    case daemonDidNotStart(log: String)
    case badStatus(String)
    case timedOut(String)
    case socket(Int32)

    var description: String {
        switch self {
        case .daemonDidNotStart(let log): "needled did not start: \(log)"
        case .badStatus(let text): "unexpected reply: \(text)"
        case .timedOut(let last): "condition not met in time; last status \(last)"
        case .socket(let e): "socket error \(e)"
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    var state: String? { self["state"] as? String }
    var faults: [String] { self["faults"] as? [String] ?? [] }
    var motorOn: Bool { self["motor_on"] as? Bool ?? false }
    var depth: Double? { self["depth_mm"] as? Double }
}
