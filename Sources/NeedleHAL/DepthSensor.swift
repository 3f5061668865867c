/// What the magnet looks like to a magnetic angle sensor.
public struct MagnetStatus: Sendable, Equatable {
    public var detected: Bool
    public var tooWeak: Bool
    public var tooStrong: Bool

    public init(detected: Bool, tooWeak: Bool, tooStrong: Bool) {
        self.detected = detected
        self.tooWeak = tooWeak
        self.tooStrong = tooStrong
    }

    /// The only status under which an angle reading can be trusted.
    public var isGood: Bool { detected && !tooWeak && !tooStrong }

    public static let good = MagnetStatus(detected: true, tooWeak: false, tooStrong: false)
}

/// One raw reading of the depth collar: the sensor's angle count and its magnet status.
/// Conversion to millimetres (calibration) and plausibility are decided by the core.
public struct DepthSensorReading: Sendable, Equatable {
    /// Raw angle, 0...4095 for a 12-bit sensor.
    public var rawAngle: UInt16
    public var magnet: MagnetStatus

    public init(rawAngle: UInt16, magnet: MagnetStatus) {
        self.rawAngle = rawAngle
        self.magnet = magnet
    }
}

/// The needle-depth sensor.
public protocol DepthSensor: AnyObject, Sendable {
    func read() throws(HALError) -> DepthSensorReading
}
