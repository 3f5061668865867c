import NeedleConfig

/// What needled's command line says on top of the configuration file. Flags win over the
/// file, at start-up and on every reload.
public struct CommandLineOverrides: Sendable, Equatable {
    /// `--simulate`: the simulated pen, whatever `hardware.backend` says.
    public var simulate = false
    /// `--socket`, else `$NEEDLED_SOCKET`.
    public var socket: String?
    /// `--rate`.
    public var rateHz: Int?
    /// `--log-level`.
    public var logLevel: String?
    /// `--state-dir`: the calibration's directory (tests and rigs keep theirs apart).
    public var stateDirectory: String?
    /// `--clinician-uid` / `--clinician-group`: added to `[access]`'s clinicians.
    public var clinicianUsers: [String] = []
    public var clinicianGroups: [String] = []
    /// `--hardware`, `--gpio-chip`, `--i2c-bus`, `--pwm-root`: point `[hardware]` at a rig's
    /// devices without writing a file (the VM rig uses them).
    public var backend: HardwareSection.Backend?
    public var gpioChip: String?
    public var i2cBus: Int?
    public var pwmRoot: String?

    /// Whether the command line itself chose the backend.
    public var choosesBackend: Bool { simulate || backend != nil }

    public init() {}

    /// The configuration in effect: the file's, with each given flag replacing its field.
    public func applied(to file: NeedledConfig) -> NeedledConfig {
        var config = file
        if let backend { config.hardware.backend = backend }
        if simulate { config.hardware.backend = .simulated }
        if let gpioChip { config.hardware.gpio.chip = gpioChip }
        if let i2cBus { config.hardware.i2c.bus = i2cBus }
        if let pwmRoot { config.hardware.pwm.sysfsRoot = pwmRoot }
        if let socket { config.daemon.socket = socket }
        if let rateHz { config.daemon.rateHz = rateHz }
        if let logLevel { config.daemon.logLevel = logLevel }
        if let stateDirectory { config.daemon.stateDirectory = stateDirectory }
        return config
    }
}
