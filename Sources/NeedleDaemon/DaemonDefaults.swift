import NeedleCore
import NeedleSim

/// Defaults shared by the daemon and the tools built on it.
public enum DaemonDefaults {
    public static let rateHz = 1000

    /// The core's calibration matching the simulated pen's factory calibration.
    public static func calibration(of sim: SimCalibration) -> DepthCalibration {
        DepthCalibration(zeroCounts: Double(sim.zeroCounts), mmPerCount: sim.mmPerCount)
    }
}
