import Foundation
import Logging
import NeedleConfig
import NeedleProtocol
import Testing
@testable import NeedleDaemon

/// SIGHUP's work, without the signal: re-read the file, keep the old configuration when
/// the new one is bad (DESIGN.md §3 rule 8), apply access, log level and tolerance live.
@Suite("Config reload")
struct ReloadTests {
    /// A daemon's live parts (router, loop, log level) started from `startText`, and a
    /// reloader reading a temporary file.
    struct Rig {
        let directory: URL
        let path: String
        let harness = SimLoopHarness()
        let router: CommandRouter
        let level: LiveLogLevel
        let reloader: ConfigReloader

        init(_ startText: String, overrides: CommandLineOverrides = CommandLineOverrides()) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("needled-reload-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            path = directory.appendingPathComponent("needled.toml").path
            try startText.write(toFile: path, atomically: true, encoding: .utf8)
            let source = ConfigSource(path: path, optional: false)
            let started = try source.load()
            let options = try DaemonOptions(config: started, overrides: overrides, resolver: .numeric)
            level = LiveLogLevel(options.logLevel)
            router = CommandRouter(
                loop: harness.loop, clock: harness.clock, policy: options.policy, hardware: .simulated,
                sim: nil, calibrationStore: .nowhere, logger: Logger(label: "test"), groupsOf: { _ in [] })
            #expect(harness.loop.setTolerance(options.toleranceMM))
            reloader = ConfigReloader(
                source: source, overrides: overrides, resolver: .numeric, started: started, router: router,
                loop: harness.loop, logLevel: level, logger: Logger(label: "test"))
        }

        func write(_ text: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static let start = """
        [daemon]
        log_level = "info"
        [access]
        operator_users = [1000]
        [safety]
        tolerance_mm = 0.04
        """
    static let alice = PeerCredentials(pid: 1, uid: 1000, gid: 1000)
    static let bob = PeerCredentials(pid: 2, uid: 2000, gid: 2000)

    @Test("a bad file on reload keeps the old configuration in force and names the field",
          arguments: [
            ("[hardware.pwm]\nfrequency_hz = 5\n[access]\noperator_users = [2000]", "hardware.pwm.frequency_hz"),
            ("[safety]\ntolerance_mm = 0.2", "safety.tolerance_mm"),
            ("[access]\noperator_groups = [\"nurses\"]", "access.operator_groups"),
            ("[access]\noperator_users = [2000]\nfrobnicate = 1", "access.frobnicate"),
            ("[access\n", ""),
            ("[hardware.calibration]\nmm_per_count = 0.000001\n[access]\noperator_users = [2000]",
             "hardware.calibration.mm_per_count"),
          ])
    func badFileKeepsOld(text: String, field: String) throws {
        let rig = try Rig(Self.start)
        defer { rig.remove() }
        let before = rig.router.policy
        try rig.write(text)
        let outcome = rig.reloader.reload()
        guard case .kept(let error) = outcome else {
            Issue.record("a bad file was applied: \(outcome)")
            return
        }
        #expect(error.configError?.field == field, "\(error)")
        #expect(error.description.contains(rig.path))
        #expect(rig.router.policy == before)
        #expect(rig.router.role(of: Self.alice) == .operator)
        #expect(rig.router.role(of: Self.bob) == nil)
        #expect(rig.harness.loop.toleranceMM == 0.04)
        #expect(rig.level.level == .info)
        #expect(rig.reloader.config.access.operatorUsers == ["1000"])
    }

    @Test("a file that has become unreadable keeps the old configuration")
    func unreadableKeepsOld() throws {
        let rig = try Rig(Self.start)
        defer { rig.remove() }
        try FileManager.default.removeItem(atPath: rig.path)
        guard case .kept(let error) = rig.reloader.reload() else {
            Issue.record("a missing file was applied")
            return
        }
        #expect(error == .unreadable(path: rig.path, errno: ENOENT))
        #expect(rig.router.role(of: Self.alice) == .operator)
    }

    @Test("a good file applies access, log level and tolerance live and lists restart-only changes")
    func goodFileApplies() throws {
        let rig = try Rig(Self.start)
        defer { rig.remove() }
        try rig.write("""
            [daemon]
            log_level = "debug"
            rate_hz = 2000
            [access]
            operator_users = [2000]
            [safety]
            tolerance_mm = 0.02
            [hardware]
            backend = "linux"
            """)
        let outcome = rig.reloader.reload()
        #expect(outcome == .applied(
            live: ["access.operator_users", "daemon.log_level", "safety.tolerance_mm"],
            needRestart: ["daemon.rate_hz", "hardware.backend"]))
        #expect(rig.router.role(of: Self.bob) == .operator)
        #expect(rig.router.role(of: Self.alice) == nil)
        #expect(rig.harness.loop.toleranceMM == 0.02)
        #expect(rig.level.level == .debug)
        // Reloading the same file again changes nothing live; the restart list stays.
        #expect(rig.reloader.reload() == .applied(live: [], needRestart: ["daemon.rate_hz", "hardware.backend"]))
    }

    @Test("command-line flags still win after a reload: --log-level and --clinician-uid")
    func flagsWinOnReload() throws {
        var overrides = CommandLineOverrides()
        overrides.logLevel = "error"
        overrides.clinicianUsers = ["3000"]
        let rig = try Rig(Self.start, overrides: overrides)
        defer { rig.remove() }
        #expect(rig.level.level == .error)
        try rig.write("[daemon]\nlog_level = \"trace\"\n[access]\nobserver_users = [2000]")
        guard case .applied(let live, _) = rig.reloader.reload() else {
            Issue.record("a good file was refused")
            return
        }
        #expect(!live.contains("daemon.log_level"))
        #expect(rig.level.level == .error)
        #expect(rig.router.role(of: PeerCredentials(pid: 3, uid: 3000, gid: 3000)) == .clinician)
        #expect(rig.router.role(of: Self.bob) == .observer)
    }
}
