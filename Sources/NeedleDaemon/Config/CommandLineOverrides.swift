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
    /// `--clinician-uid` / `--clinician-group`: added to `[access]`'s clinicians.
    public var clinicianUsers: [String] = []
    public var clinicianGroups: [String] = []

    public init() {}

    /// The configuration in effect: the file's, with each given flag replacing its field.
    public func applied(to file: NeedledConfig) -> NeedledConfig {
        var config = file
        if simulate { config.hardware.backend = .simulated }
        if let socket { config.daemon.socket = socket }
        if let rateHz { config.daemon.rateHz = rateHz }
        if let logLevel { config.daemon.logLevel = logLevel }
        return config
    }
}
