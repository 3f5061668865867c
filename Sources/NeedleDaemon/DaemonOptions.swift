import NeedleConfig
import NeedleCore

/// How to run the daemon, from the command line (and later the config file).
public struct DaemonOptions: Sendable {
    public var simulate: Bool
    public var socketPath: String
    public var rateHz: Int
    public var policy: AccessPolicy
    /// Which backend drives the pen and where its devices are (`[hardware]`). `simulate`
    /// overrides the backend with the simulated pen.
    public var hardware: HardwareSection
    /// Control-loop rate limits: below 100 Hz the 5 ms sensor timeout cannot be met; above
    /// 8 kHz one AS5600 read (~125 µs at 400 kHz) no longer fits in a period.
    public static let rateRange = 100...8000

    /// The backend `Daemon.init` builds: `--simulate` wins, else `[hardware] backend`.
    public var backend: HardwareSection.Backend { simulate ? .simulated : hardware.backend }

    public init(simulate: Bool, socketPath: String = DaemonDefaults.socketPath,
                rateHz: Int = DaemonDefaults.rateHz, policy: AccessPolicy = AccessPolicy(),
                hardware: HardwareSection = HardwareSection()) {
        self.simulate = simulate
        self.socketPath = socketPath
        self.rateHz = rateHz
        self.policy = policy
        self.hardware = hardware
    }
}
