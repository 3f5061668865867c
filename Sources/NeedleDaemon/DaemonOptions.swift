import NeedleCore

/// How to run the daemon, from the command line (and later the config file).
public struct DaemonOptions: Sendable {
    public var simulate: Bool
    public var socketPath: String
    public var rateHz: Int
    public var policy: AccessPolicy
    /// A listening control socket inherited from systemd (socket activation), else nil.
    public var inheritedSocket: Int32? = nil
    /// Control-loop rate limits: below 100 Hz the 5 ms sensor timeout cannot be met; above
    /// 8 kHz one AS5600 read (~125 µs at 400 kHz) no longer fits in a period.
    public static let rateRange = 100...8000

    public init(simulate: Bool, socketPath: String = DaemonDefaults.socketPath,
                rateHz: Int = DaemonDefaults.rateHz, policy: AccessPolicy = AccessPolicy()) {
        self.simulate = simulate
        self.socketPath = socketPath
        self.rateHz = rateHz
        self.policy = policy
    }
}
