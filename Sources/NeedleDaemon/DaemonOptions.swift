import Logging
import NeedleConfig
import NeedleCore
import NeedleProtocol

/// How to run the daemon: the configuration file with the command line's overrides
/// applied (`init(config:overrides:resolver:)`), or built directly by tests.
public struct DaemonOptions: Sendable {
    public var socketPath: String
    public var rateHz: Int
    public var policy: AccessPolicy
    /// Measured-to-target depth tolerance, within `ConfigRules.toleranceMM` (at most the
    /// design's 0.05 mm).
    public var toleranceMM: Double = SafetySection().toleranceMM
    public var logLevel: Logger.Level = .info
    /// Group for the control socket; nil keeps the daemon's own.
    public var socketGroup: String? = nil
    /// A listening control socket inherited from systemd (socket activation), else nil.
    public var inheritedSocket: Int32? = nil
    /// Which backend drives the pen and where its devices are (`[hardware]`); its
    /// `backend` is the one `Daemon.init` builds.
    public var hardware: HardwareSection
    /// Where the daemon keeps what it learns about the pen (`daemon.state_directory`,
    /// `--state-dir`): the calibration is `<stateDirectory>/calibration`. Created (0750) at
    /// start-up when missing.
    public var stateDirectory: String
    /// Area presets (`[treatment.areas]` over the built-in table) and the minimum days
    /// between two sessions on one area (`[treatment] minimum_interval_days`).
    public var areaPresets = AreaPresetTable.standard
    public var minimumIntervalDays = IntervalGuard.defaultMinimumDays
    /// Free space the records need before a session is armed (`[treatment] min_free_mb`).
    public var minFreeMB = 64
    /// Run the power-on self-test when the loop starts (tests that script the first
    /// milliseconds themselves turn it off).
    public var selfTestAtStart = true
    /// Control-loop rate limits: the floor is derived from the sensor timeout and the
    /// heartbeat monostable's pulse (`ControlRate`); above 8 kHz one AS5600 read (~125 µs
    /// at 400 kHz) no longer fits in a period.
    public static let rateRange = ConfigRules.rateHz

    /// Why `rateHz` is refused, or nil when it is allowed: the message names the bound, and
    /// below the floor both reasons for it.
    public static func rateRefusal(_ rateHz: Int) -> String? {
        guard !rateRange.contains(rateHz) else { return nil }
        let range = "\(rateRange.lowerBound)...\(rateRange.upperBound) Hz"
        if rateHz < rateRange.lowerBound { return "\(rateHz) Hz is outside \(range): \(ControlRate.whyLowest)" }
        return "\(rateHz) Hz is outside \(range): above it one AS5600 read (~125 µs at 400 kHz) no longer fits in a tick"
    }

    /// `simulate` forces the simulated pen whatever `hardware.backend` says.
    public init(simulate: Bool, socketPath: String = ControlSocket.defaultPath,
                rateHz: Int = DaemonDefaults.rateHz, policy: AccessPolicy = AccessPolicy(),
                hardware: HardwareSection = HardwareSection(),
                stateDirectory: String = DaemonSection().stateDirectory) {
        self.socketPath = socketPath
        self.rateHz = rateHz
        self.policy = policy
        self.hardware = hardware
        self.stateDirectory = stateDirectory
        if simulate { self.hardware.backend = .simulated }
    }
}
