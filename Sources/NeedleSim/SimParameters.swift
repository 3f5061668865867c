/// The calibration the simulated collar ships with: `rawAngle = zeroCounts + depth / mmPerCount`.
/// The daemon's calibration for a simulated pen should match it.
public struct SimCalibration: Sendable, Equatable {
    public var zeroCounts: UInt16
    public var mmPerCount: Double

    public init(zeroCounts: UInt16, mmPerCount: Double) {
        self.zeroCounts = zeroCounts
        self.mmPerCount = mmPerCount
    }
}

/// The physical constants of the simulated pen. Defaults match the reference hardware
/// (DESIGN §4); tests may change them to isolate one effect.
public struct SimParameters: Sendable {
    /// Steady stroke rate at full duty and no load (1 stroke per motor revolution).
    public var maxStrokeRateHz = 250.0
    /// Fraction of the rate lost at full skin load: rate = max × duty × (1 − loadFactor × load).
    public var loadFactor = 0.4
    /// First-order time constant of the driven motor.
    public var driveTimeConstantS = 0.030
    /// Time constant while the driver brakes (windings shorted): fast decay.
    public var brakeTimeConstantS = 0.005
    /// Time constant while coasting (driver asleep, faulted or unpowered): friction and
    /// the cam's load only.
    public var coastTimeConstantS = 0.060
    /// Speed at which the operator turns the depth collar.
    public var collarSpeedMMPerS = 5.0
    /// Where the collar sits at power-up: mid home window, so a home plan can start.
    public var initialDepthMM = 0.5
    /// Peak of the angle noise in counts (triangular distribution, ±this).
    public var noiseCounts = 2
    /// The retriggerable monostable's period: without a heartbeat toggle for longer
    /// than this, motor power is cut.
    public var watchdogTimeoutNs: UInt64 = 20_000_000
    /// Integration step. Physics advances on a fixed grid of these, so results do not
    /// depend on how often the devices are called.
    public var substepNs: UInt64 = 100_000
    /// Capacity of the tach's edge queue (a full queue drops its oldest edge).
    public var tachQueueCapacity = 256
    /// 7-bit I2C address of the simulated AS5600.
    public var sensorAddress: UInt8 = 0x36
    /// The cartridge seated at power-up: programmed, unused.
    public var cartridgeSerial = "SIM000000001"
    public var cartridgeLot = "SIMLOT-01"
    public var cartridgeNeedles: UInt8 = 36
    /// Seed of the noise and disturbance PRNG.
    public var seed: UInt64 = 0x5EED_0001

    public init() {}
}
