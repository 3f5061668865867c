/// What one depth-sensor read produced.
public enum DepthInput: Sendable, Equatable {
    /// The transfer worked; `magnetGood` is false when the status word reports the magnet
    /// missing, too weak or too strong.
    case reading(rawAngle: UInt16, magnetGood: Bool)
    /// The transfer failed.
    case readError
}

/// Everything the supervisor needs from the hardware for one tick. The daemon fills it;
/// tests build it by hand. An input that could not be read is reported in its unsafe
/// state (e-stop open, driver fault, cartridge absent) so that doubt stops the motor.
public struct Readings: Sendable, Equatable {
    public var nowNs: UInt64
    public var depth: DepthInput
    public var driverFault = false
    public var estop = false
    public var cartridgePresent = true
    /// The trigger reads pressed now, and the edges its line saw since the previous tick
    /// (the supervisor debounces the two into presses; an unreadable trigger reads released).
    public var triggerHeld = false
    public var triggerEdges = 0
    /// Tach strokes since the previous tick, and the time of the last one.
    public var strokes = 0
    public var lastStrokeNs: UInt64 = 0
    /// The cartridge's identity as the loop's `CartridgeReader` last reported it.
    public var cartridge = CartridgeStatus.unknown
    /// The outputs of the previous tick, heartbeat included, were written without error
    /// (the self-test's heartbeat step watches it).
    public var outputsWritten = true

    public init(nowNs: UInt64, depth: DepthInput) {
        self.nowNs = nowNs
        self.depth = depth
    }
}

/// What the outputs must be after this tick.
public struct OutputCommand: Sendable, Equatable {
    /// Motor driver enable (nSLEEP). The only line that matters for safety.
    public var motorEnable: Bool
    /// PWM duty 0...1 on AIN1 (0 whenever the enable is off).
    public var motorDuty: Double
    /// Toggles every tick: feeds the hardware monostable that gates motor power.
    public var heartbeat: Bool
    public var statusLED: Bool
    public var faultLED: Bool
    /// Asks the loop to write the seated cartridge's used marker (`CartridgeReader.
    /// requestMarkUsed()`). Stays set until the reader reports the cartridge as used, so a
    /// lost or failed write is asked for again; the reader makes repeats harmless.
    public var markCartridgeUsed = false

    public static let safe = OutputCommand(
        motorEnable: false, motorDuty: 0, heartbeat: false, statusLED: false, faultLED: false)
}
