import ArgumentParser
import Dispatch
import Logging
import NeedleConfig
import NeedleDaemon
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `needled`: the pen's controller daemon.
struct NeedledCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "needled",
        abstract: "Controller daemon of the microneedling pen.",
        discussion: """
            Runs the safety supervisor in a fixed-rate control loop and serves the control \
            socket that needlectl talks to. Settings come from the configuration file \
            (--config, else /etc/needled/needled.toml if it exists, else defaults); flags \
            override it. SIGHUP re-reads the file. SIGTERM or SIGINT: motor off, outputs \
            safe, socket removed, exit 0 (exit 1 if an output could not be driven safe).
            """)

    @Option(help: "Configuration file (default: /etc/needled/needled.toml if it exists).")
    var config: String?

    @Flag(help: "Run on the simulated pen, whatever hardware.backend says.")
    var simulate = false

    @Option(help: "Hardware backend, simulated or linux (default: hardware.backend).")
    var hardware: HardwareSection.Backend?

    @Option(name: .customLong("gpio-chip"), help: "GPIO chip (path, name or label) holding the pen's lines (default: hardware.gpio.chip, else every chip).")
    var gpioChip: String?

    @Option(name: .customLong("i2c-bus"), help: "I2C bus number of the depth sensor, /dev/i2c-N (default: hardware.i2c.bus).")
    var i2cBus: Int?

    @Option(name: .customLong("pwm-root"), help: "sysfs PWM class folder (default: hardware.pwm.sysfs_root).")
    var pwmRoot: String?

    @Option(help: "Control socket path (default: $NEEDLED_SOCKET, else daemon.socket).")
    var socket: String?

    @Option(help: "Control-loop rate in Hz (\(DaemonOptions.rateRange.lowerBound)...\(DaemonOptions.rateRange.upperBound); below \(DaemonOptions.rateRange.lowerBound) a tick outlasts half the 5 ms sensor timeout and the heartbeat's edges half the monostable's pulse; default: daemon.rate_hz).")
    var rate: Int?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp(
        "Directory of the pen's state: the depth calibration that `needlectl calibrate` stores, which wins over [hardware.calibration]. Created (0750) if missing (default: daemon.state_directory).",
        valueName: "dir"))
    var stateDirectory: String?

    @Option(name: .customLong("clinician-uid"), help: "A user (name or uid) allowed to select clinical mode; repeatable.")
    var clinicianUsers: [String] = []

    @Option(name: .customLong("clinician-group"), help: "A group whose members may select clinical mode; repeatable.")
    var clinicianGroups: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: daemon.log_level).")
    var logLevel: String?

    func validate() throws {
        if simulate, hardware == .linux {
            throw ValidationError("--simulate and --hardware linux contradict each other")
        }
        if let i2cBus, i2cBus < 0 {
            throw ValidationError("--i2c-bus must be 0 or more (got \(i2cBus))")
        }
        if let rate, let refusal = DaemonOptions.rateRefusal(rate) {
            throw ValidationError("--rate \(refusal)")
        }
        if let stateDirectory, !stateDirectory.hasPrefix("/") {
            throw ValidationError("--state-dir must be an absolute path (got \(stateDirectory))")
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() throws {
        // A shared level, so a reload can change it; until the file is read, the flag's.
        // Native journal entries when stderr is the journal, readable lines otherwise.
        let level = LiveLogLevel(logLevel.flatMap(Logger.Level.init(rawValue:)) ?? .info)
        let sink = LogSink.forProcess()
        LoggingSystem.bootstrap { label in
            LiveLevelLogHandler(wrapping: ServiceLogHandler(label: label, sink: sink), level: level)
        }
        let logger = Logger(label: "needled")
        // The configuration is read and validated before any device is opened, so a bad
        // file never touches the motor outputs.
        let source = ConfigSource.commandLine(config)
        let overrides = makeOverrides()
        let file: NeedledConfig
        var options: DaemonOptions
        do throws(ConfigFileError) {
            file = try source.load()
            do throws(ConfigError) {
                options = try DaemonOptions(config: file, overrides: overrides)
            } catch {
                throw ConfigFileError.invalid(path: source.path, error)
            }
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(1)
        }
        level.set(options.logLevel)
        // A pen must never run simulated by accident: without a configuration file the
        // backend has to be chosen on the command line.
        if source.optional, access(source.path, F_OK) != 0, !overrides.choosesBackend {
            logger.critical("cannot start: no configuration file at \(source.path) and no backend chosen: pass --config FILE, --simulate or --hardware linux")
            throw ExitCode(1)
        }
        do {
            options.inheritedSocket = try SocketActivation.inheritedListeners().first
            SocketActivation.unsetEnvironment()
        } catch {
            logger.critical("cannot start: socket activation: \(error)")
            throw ExitCode(1)
        }
        let daemon: Daemon
        do {
            daemon = try Daemon(options: options, logger: logger)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(1)
        }
        let started = blocking { () async -> DaemonError? in
            do throws(DaemonError) { try await daemon.start(); return nil } catch { return error }
        }
        if let error = started {
            logger.critical("cannot start: \(error)")
            throw ExitCode(1)
        }
        let reloader = ConfigReloader(
            source: source, overrides: overrides, started: file, router: daemon.router,
            loop: daemon.loopThread.loop, logLevel: level, logger: logger)
        let service = SystemdService(logger: logger)
        service.attach(
            progress: daemon.loopThread,
            readyStatus: "ready: home mode, \(options.rateHz) Hz, socket \(options.inheritedSocket == nil ? options.socketPath : "from systemd")",
            isReady: { daemon.readiness })
        while true {
            let signal = Signals.wait()
            if signal == .hangup {
                logger.notice("SIGHUP: reloading the configuration", metadata: ["file": "\(source.path)"])
                reloader.reload()
                continue
            }
            logger.notice("\(signal.name): stopping")
            break
        }
        service.detach()
        let unsafe = blocking { await daemon.stop() }
        // An output that could not be driven safe is a failure, whatever else went well.
        if !unsafe.isEmpty { throw ExitCode(1) }
    }

    /// The flags that override the file; `$NEEDLED_SOCKET` counts as a flag, after `--socket`.
    private func makeOverrides() -> CommandLineOverrides {
        var overrides = CommandLineOverrides()
        overrides.simulate = simulate
        overrides.socket = socket ?? getenv("NEEDLED_SOCKET").map { String(cString: $0) }
        overrides.rateHz = rate
        overrides.logLevel = logLevel
        overrides.stateDirectory = stateDirectory
        overrides.clinicianUsers = clinicianUsers
        overrides.clinicianGroups = clinicianGroups
        overrides.backend = hardware
        overrides.gpioChip = gpioChip
        overrides.i2cBus = i2cBus
        overrides.pwmRoot = pwmRoot
        return overrides
    }
}

/// Runs async work from the synchronous main thread (which must stay free for sigwait).
func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let value = await body()
        result.withLock { $0 = value }
        done.signal()
    }
    while true {
        done.wait()
        // The task stores its value before it signals, so this returns on the first pass.
        if let value = result.withLock({ $0 }) { return value }
    }
}

extension HardwareSection.Backend: ExpressibleByArgument {}
