import Logging
import NeedleConfig

extension DaemonOptions {
    /// The options for a validated configuration file plus the command line's overrides.
    /// Users and groups are resolved here, once.
    /// - Throws: `unknownName` for a user or group the system does not know; a factory
    ///   calibration (`[hardware.calibration]`) that would read wrong depths.
    public init(
        config file: NeedledConfig, overrides: CommandLineOverrides, resolver: NameResolver = .system
    ) throws(ConfigError) {
        let config = overrides.applied(to: file)
        _ = try config.hardware.checkedCalibration()
        let policy = try AccessPolicy(
            resolving: config.access, clinicianUsers: overrides.clinicianUsers,
            clinicianGroups: overrides.clinicianGroups, resolver: resolver)
        self.init(
            simulate: config.hardware.backend == .simulated, socketPath: config.daemon.socket,
            rateHz: config.daemon.rateHz, policy: policy, hardware: config.hardware,
            stateDirectory: config.daemon.stateDirectory)
        toleranceMM = config.safety.toleranceMM
        areaPresets = try config.treatment.presetTable()
        minimumIntervalDays = config.treatment.minimumIntervalDays
        minFreeMB = config.treatment.minFreeMB
        logLevel = Logger.Level(rawValue: config.daemon.logLevel) ?? .info
        socketGroup = config.daemon.socketGroup
    }
}
