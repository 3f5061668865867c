import Logging
import NeedleConfig
import Synchronization

/// Re-reads the configuration file (SIGHUP) and applies what can change while the pen
/// runs: `[access]`, `daemon.log_level`, `safety.tolerance_mm`. A file that fails to read
/// or validate changes nothing (DESIGN.md §3 rule 8) and is logged at error level naming
/// the field. Changed fields that need a restart (socket, rate, hardware, …) are logged as
/// a warning and not applied.
public final class ConfigReloader: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// The old configuration stays in force.
        case kept(ConfigFileError)
        /// Applied; `live` changed now, `needRestart` changed in the file but waits for a restart.
        case applied(live: [String], needRestart: [String])
    }

    public let source: ConfigSource
    let overrides: CommandLineOverrides
    let resolver: NameResolver
    let router: CommandRouter
    let loop: ControlLoop
    let logLevel: LiveLogLevel
    let logger: Logger
    /// What the daemon started with: restart-only fields are compared against it.
    private let running: NeedledConfig
    /// The configuration in force now (overrides applied).
    private let current: Mutex<NeedledConfig>

    /// - Parameter started: the file's configuration the daemon was started with.
    public init(
        source: ConfigSource, overrides: CommandLineOverrides, resolver: NameResolver = .system,
        started: NeedledConfig, router: CommandRouter, loop: ControlLoop, logLevel: LiveLogLevel, logger: Logger
    ) {
        self.source = source
        self.overrides = overrides
        self.resolver = resolver
        self.router = router
        self.loop = loop
        self.logLevel = logLevel
        self.logger = logger
        let effective = overrides.applied(to: started)
        self.running = effective
        self.current = Mutex(effective)
    }

    /// The configuration in force, command-line overrides applied.
    public var config: NeedledConfig { current.withLock { $0 } }

    /// Reads, validates and applies the file; see the type's description.
    @discardableResult
    public func reload() -> Outcome {
        let options: DaemonOptions
        let file: NeedledConfig
        do throws(ConfigFileError) {
            file = try source.load()
            do throws(ConfigError) {
                options = try DaemonOptions(config: file, overrides: overrides, resolver: resolver)
            } catch {
                throw ConfigFileError.invalid(path: source.path, error)
            }
        } catch {
            return keep(error)
        }
        let new = overrides.applied(to: file)
        // Validation keeps the tolerance within (0, 0.05]; the core checks again. Applied
        // first so that a refusal leaves everything as it was.
        guard loop.setTolerance(options.toleranceMM) else {
            return keep(.invalid(path: source.path, ConfigError(
                .outOfRange, field: "safety.tolerance_mm", value: "\(options.toleranceMM)",
                allowed: "\(ConfigRules.toleranceMM.lowerBound)...\(ConfigRules.toleranceMM.upperBound)")))
        }
        router.setPolicy(options.policy)
        logLevel.set(options.logLevel)
        let live = current.withLock { old in
            defer { old = new }
            return Self.liveChanges(from: old, to: new)
        }
        let restart = Self.restartChanges(from: running, to: new)
        logger.notice("configuration reloaded", metadata: [
            "file": "\(source.path)", "changed": "\(live.isEmpty ? "nothing" : live.joined(separator: ", "))",
        ])
        if !restart.isEmpty {
            logger.warning("configuration changes need a restart of needled and were not applied", metadata: [
                "file": "\(source.path)", "fields": "\(restart.joined(separator: ", "))",
            ])
        }
        return .applied(live: live, needRestart: restart)
    }

    private func keep(_ error: ConfigFileError) -> Outcome {
        var metadata: Logger.Metadata = ["file": "\(source.path)"]
        if let field = error.configError?.field, !field.isEmpty { metadata["field"] = "\(field)" }
        logger.error("configuration not reloaded, the old one stays in force: \(error)", metadata: metadata)
        return .kept(error)
    }

    /// Fields applied live that differ, by their names in the file.
    static func liveChanges(from old: NeedledConfig, to new: NeedledConfig) -> [String] {
        var fields: [String] = []
        func check(_ changed: Bool, _ name: String) { if changed { fields.append(name) } }
        check(old.access.observerUsers != new.access.observerUsers, "access.observer_users")
        check(old.access.observerGroups != new.access.observerGroups, "access.observer_groups")
        check(old.access.operatorUsers != new.access.operatorUsers, "access.operator_users")
        check(old.access.operatorGroups != new.access.operatorGroups, "access.operator_groups")
        check(old.access.clinicianUsers != new.access.clinicianUsers, "access.clinician_users")
        check(old.access.clinicianGroups != new.access.clinicianGroups, "access.clinician_groups")
        check(old.daemon.logLevel != new.daemon.logLevel, "daemon.log_level")
        check(old.safety.toleranceMM != new.safety.toleranceMM, "safety.tolerance_mm")
        return fields
    }

    /// Fields that only take effect at start-up and differ from what the daemon runs with.
    static func restartChanges(from running: NeedledConfig, to new: NeedledConfig) -> [String] {
        var fields: [String] = []
        func check(_ changed: Bool, _ name: String) { if changed { fields.append(name) } }
        check(running.daemon.socket != new.daemon.socket, "daemon.socket")
        check(running.daemon.socketGroup != new.daemon.socketGroup, "daemon.socket_group")
        check(running.daemon.rateHz != new.daemon.rateHz, "daemon.rate_hz")
        check(running.daemon.stateDirectory != new.daemon.stateDirectory, "daemon.state_directory")
        check(running.hardware.backend != new.hardware.backend, "hardware.backend")
        check(running.hardware.gpio != new.hardware.gpio, "hardware.gpio")
        check(running.hardware.i2c != new.hardware.i2c, "hardware.i2c")
        check(running.hardware.pwm != new.hardware.pwm, "hardware.pwm")
        check(running.hardware.calibration != new.hardware.calibration, "hardware.calibration")
        // Presets and the interval are read once into the supervisor and the router.
        check(running.treatment != new.treatment, "treatment")
        return fields
    }
}
