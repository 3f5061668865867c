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
            socket that needlectl talks to. SIGTERM or SIGINT: motor off, outputs safe, socket \
            removed, exit 0.
            """)

    @Flag(help: "Run on the simulated pen instead of hardware.")
    var simulate = false

    // Temporary until `--config` lands: select the Linux backend and point it at the rig's
    // devices. Everything else comes from the `[hardware]` model's defaults.
    @Option(help: "Hardware backend: simulated or linux (same as --simulate for simulated).")
    var hardware: HardwareSection.Backend?

    @Option(name: .customLong("gpio-chip"), help: "GPIO chip (path, name or label) holding the pen's lines; default: search every chip by line name.")
    var gpioChip: String?

    @Option(name: .customLong("i2c-bus"), help: "I2C bus number of the depth sensor (/dev/i2c-N; default 1).")
    var i2cBus: Int?

    @Option(name: .customLong("pwm-root"), help: "sysfs PWM class folder (default /sys/class/pwm).")
    var pwmRoot: String?

    @Option(help: "Control socket path (default: $NEEDLED_SOCKET or /run/needled/control.sock).")
    var socket: String?

    @Option(help: "Control-loop rate in Hz (100...8000).")
    var rate: Int = 1000

    @Option(name: .customLong("clinician-uid"), help: "A user (name or uid) allowed to select clinical mode; repeatable.")
    var clinicianUsers: [String] = []

    @Option(name: .customLong("clinician-group"), help: "A group whose members may select clinical mode; repeatable.")
    var clinicianGroups: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        if simulate, hardware == .linux {
            throw ValidationError("--simulate and --hardware linux contradict each other")
        }
        if let i2cBus, i2cBus < 0 {
            throw ValidationError("--i2c-bus must be 0 or more (got \(i2cBus))")
        }
        guard DaemonOptions.rateRange.contains(rate) else {
            throw ValidationError("--rate must be within 100...8000 Hz (got \(rate))")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "needled")
        let options = try makeOptions()
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
        while true {
            let signal = Signals.wait()
            if signal == .hangup {
                logger.notice("SIGHUP: no configuration file in use, nothing to reload")
                continue
            }
            logger.notice("\(signal.name): stopping")
            break
        }
        blocking { await daemon.stop() }
    }

    private func makeOptions() throws -> DaemonOptions {
        var uids = Set<UInt32>()
        for user in clinicianUsers {
            guard let uid = AccessPolicy.uid(ofUser: user) else {
                throw ValidationError("--clinician-uid: no user \(user)")
            }
            uids.insert(uid)
        }
        var gids = Set<UInt32>()
        for group in clinicianGroups {
            guard let gid = AccessPolicy.gid(ofGroup: group) ?? UInt32(group) else {
                throw ValidationError("--clinician-group: no group \(group)")
            }
            gids.insert(gid)
        }
        // A pen must never run simulated by accident: the backend is chosen explicitly.
        guard simulate || hardware != nil else {
            throw ValidationError("no hardware backend selected: run with --simulate or --hardware linux")
        }
        var section = HardwareSection()
        section.backend = simulate ? .simulated : hardware ?? .simulated
        if let gpioChip { section.gpio.chip = gpioChip }
        if let i2cBus { section.i2c.bus = i2cBus }
        if let pwmRoot { section.pwm.sysfsRoot = pwmRoot }
        let environment = getenv("NEEDLED_SOCKET").map { String(cString: $0) }
        return DaemonOptions(
            simulate: simulate, socketPath: socket ?? environment ?? DaemonDefaults.socketPath,
            rateHz: rate, policy: AccessPolicy(clinicianUIDs: uids, clinicianGIDs: gids), hardware: section)
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
