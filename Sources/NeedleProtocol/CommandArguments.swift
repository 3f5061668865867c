/// Arguments of `watch`: `{"interval_ms": 10…10000}` (default 100).
public struct WatchArguments: Sendable, Hashable {
    public static let intervalRange = 10...10_000
    public static let defaultIntervalMS = 100

    public let intervalMS: Int

    /// Checks the range; the decoder applies the same rule to requests from the wire.
    public init(intervalMS: Int = WatchArguments.defaultIntervalMS) throws(ProtocolError) {
        var reader = ArgumentReader(command: "watch", args: ["interval_ms": .integer(Int64(intervalMS))])
        self = try Self(reading: &reader)
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        intervalMS = try reader.optionalInteger("interval_ms", in: Self.intervalRange) ?? Self.defaultIntervalMS
    }

    var arguments: [String: JSONValue] { ["interval_ms": .integer(Int64(intervalMS))] }
}

/// Arguments of `arm`: a treatment plan. Mode-dependent depth limits are checked by the core;
/// here only what is wrong in every mode.
public struct ArmArguments: Sendable, Hashable {
    public static let speedRange = 1...10
    public static let defaultSpeed = 5
    public static let maxAreaLength = 64
    public static let maxDurationS = 3600.0

    public let depthMM: Double
    public let speed: Int
    public let area: String?
    public let durationS: Double?

    public init(depthMM: Double, speed: Int = ArmArguments.defaultSpeed, area: String? = nil, durationS: Double? = nil)
        throws(ProtocolError)
    {
        let unchecked = ArmArguments(unchecked: depthMM, speed: speed, area: area, durationS: durationS)
        var reader = ArgumentReader(command: "arm", args: unchecked.arguments)
        self = try Self(reading: &reader)
    }

    private init(unchecked depthMM: Double, speed: Int, area: String?, durationS: Double?) {
        self.depthMM = depthMM
        self.speed = speed
        self.area = area
        self.durationS = durationS
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        depthMM = try reader.requiredNumber("depth_mm")
        speed = try reader.optionalInteger("speed", in: Self.speedRange) ?? Self.defaultSpeed
        area = try reader.optionalString("area", maxLength: Self.maxAreaLength)
        durationS = try reader.optionalNumber("duration_s", in: 0...Self.maxDurationS, aboveZero: true)
    }

    var arguments: [String: JSONValue] {
        var fields: [String: JSONValue] = ["depth_mm": .number(depthMM), "speed": .integer(Int64(speed))]
        if let area { fields["area"] = .string(area) }
        if let durationS { fields["duration_s"] = .number(durationS) }
        return fields
    }
}

/// Faults the simulator can inject (`sim` with `"action":"fault"`).
public enum SimulatedFault: String, Codable, Sendable, CaseIterable, Hashable {
    case sensorError = "sensor-error"
    case magnetMissing = "magnet-missing"
    case sensorStuck = "sensor-stuck"
    case driverFault = "driver-fault"
    case stall
    case estop
    case cartridgeRemoved = "cartridge-removed"
}

/// The `sim` command: drives the simulated pen's world side. Refused with `not_simulated`
/// by a daemon on real hardware.
public enum SimAction: Sendable, Hashable {
    /// Turn the depth collar to `depthMM`.
    case depth(depthMM: Double)
    /// Inject (or with `clear`, remove) a fault cause.
    case fault(SimulatedFault, clear: Bool)
    /// Mechanical load on the motor, 0 (free) … 1 (stalled).
    case load(fraction: Double)
    /// Press or release the trigger.
    case trigger(pressed: Bool)
    /// Report the levels the daemon drives on the simulated output lines and the PWM
    /// (the HIL runner's view of the outputs); changes nothing.
    case lines

    enum Kind: String, CaseIterable { case depth, fault, load, trigger, lines }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        switch try reader.requiredEnum("action", Kind.self) {
        case .depth: self = .depth(depthMM: try reader.requiredNumber("depth_mm"))
        case .fault:
            self = .fault(
                try reader.requiredEnum("name", SimulatedFault.self), clear: try reader.optionalBool("clear") ?? false)
        case .load: self = .load(fraction: try reader.requiredNumber("fraction", in: 0...1))
        case .trigger: self = .trigger(pressed: try reader.requiredBool("pressed"))
        case .lines: self = .lines
        }
    }

    /// The wire form of the arguments.
    var arguments: [String: JSONValue] {
        switch self {
        case .depth(let depthMM): ["action": .string("depth"), "depth_mm": .number(depthMM)]
        case .fault(let name, let clear): ["action": .string("fault"), "name": .string(name.rawValue), "clear": .bool(clear)]
        case .load(let fraction): ["action": .string("load"), "fraction": .number(fraction)]
        case .trigger(let pressed): ["action": .string("trigger"), "pressed": .bool(pressed)]
        case .lines: ["action": .string("lines")]
        }
    }
}
