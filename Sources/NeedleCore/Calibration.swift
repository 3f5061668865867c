/// Maps the depth sensor's raw angle count to millimetres of needle depth:
/// `depth = (raw - zeroCounts) * mmPerCount`. Measured per pen and stored on disk.
public struct DepthCalibration: Sendable, Equatable {
    public var zeroCounts: Double
    public var mmPerCount: Double

    public init(zeroCounts: Double, mmPerCount: Double) {
        self.zeroCounts = zeroCounts
        self.mmPerCount = mmPerCount
    }

    public func depthMM(rawAngle: UInt16) -> Double {
        (Double(rawAngle) - zeroCounts) * mmPerCount
    }
}
