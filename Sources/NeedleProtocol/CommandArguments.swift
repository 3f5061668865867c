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
/// here only what is wrong in every mode. What is left out the daemon fills from the area's
/// preset: depth (an area is then required), speed (else `defaultSpeed`), duration.
public struct ArmArguments: Sendable, Hashable {
    public static let speedRange = 1...10
    /// The speed the daemon uses when neither `speed` nor an area is given.
    public static let defaultSpeed = 5
    public static let maxAreaLength = 64
    public static let maxDurationS = 3600.0

    /// nil: the area's default depth.
    public let depthMM: Double?
    /// nil: the area's default speed, else `defaultSpeed`.
    public let speed: Int?
    public let area: String?
    /// nil: the area's default session time, else no time limit.
    public let durationS: Double?
    /// Treat outside the area's limits: only a clinician may ask for it.
    public let override: Bool
    /// The clinic's pseudonymous reference of the person treated (see `ClientReference`);
    /// required in clinical mode (the core refuses `client_required`), optional at home.
    public let client: String?

    public init(
        depthMM: Double? = nil, speed: Int? = nil, area: String? = nil, durationS: Double? = nil,
        override: Bool = false, client: String? = nil
    ) throws(ProtocolError) {
        let unchecked = ArmArguments(
            unchecked: depthMM, speed: speed, area: area, durationS: durationS, override: override, client: client)
        var reader = ArgumentReader(command: "arm", args: unchecked.arguments)
        self = try Self(reading: &reader)
    }

    private init(
        unchecked depthMM: Double?, speed: Int?, area: String?, durationS: Double?, override: Bool, client: String?
    ) {
        self.depthMM = depthMM
        self.speed = speed
        self.area = area
        self.durationS = durationS
        self.override = override
        self.client = client
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        depthMM = try reader.optionalNumber("depth_mm")
        speed = try reader.optionalInteger("speed", in: Self.speedRange)
        area = try reader.optionalString("area", maxLength: Self.maxAreaLength)
        durationS = try reader.optionalNumber("duration_s", in: 0...Self.maxDurationS, aboveZero: true)
        override = try reader.optionalBool("override") ?? false
        client = try ClientReference.read("client", command: "arm", from: &reader)
        // Unknown keys first: a misspelt `depth_mm` is better named as such than reported
        // as a missing depth.
        try reader.finish()
        guard depthMM != nil || area != nil else {
            throw .invalid("arm: give depth_mm, or an area to take its default depth from")
        }
    }

    /// Only the fields given: an omitted one means "the daemon's default", so it must stay
    /// omitted on the wire.
    var arguments: [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        if let depthMM { fields["depth_mm"] = .number(depthMM) }
        if let speed { fields["speed"] = .integer(Int64(speed)) }
        if let area { fields["area"] = .string(area) }
        if let durationS { fields["duration_s"] = .number(durationS) }
        if override { fields["override"] = .bool(true) }
        if let client { fields["client"] = .string(client) }
        return fields
    }
}

/// Arguments of `calibrate`: `{"step":"zero"}` captures the collar's angle at 0 mm;
/// `{"step":"span","depth_mm":X}` the angle at a known depth X, from which the daemon computes,
/// stores and uses the new calibration.
public enum CalibrationStep: Sendable, Hashable {
    case zero
    case span(depthMM: Double)

    /// The deepest span the wire accepts: the collar's travel. The core narrows it to the
    /// depths a span can be measured at.
    public static let maxSpanDepthMM = 3.5

    enum Kind: String, CaseIterable { case zero, span }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        switch try reader.requiredEnum("step", Kind.self) {
        case .zero: self = .zero
        // `depth_mm` with `zero` is left unread, so `finish()` refuses it as unknown there.
        case .span:
            self = .span(depthMM: try reader.requiredNumber("depth_mm", in: 0...Self.maxSpanDepthMM, aboveZero: true))
        }
    }

    var arguments: [String: JSONValue] {
        switch self {
        case .zero: ["step": .string("zero")]
        case .span(let depthMM): ["step": .string("span"), "depth_mm": .number(depthMM)]
        }
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
    /// The motor is driven at full duty whatever software writes, until motor power is cut.
    case motorRunaway = "motor-runaway"
    /// The PWM ignores writes and drives full duty while the driver is enabled.
    case pwmStuck = "pwm-stuck"
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
    /// Seat a new cartridge whose ID EEPROM holds this identity (`used`: its used marker
    /// is already set, as on a cartridge from an earlier session).
    case cartridgeInsert(SimCartridge)
    /// Pull the cartridge out.
    case cartridgeRemove

    enum Kind: String, CaseIterable {
        case depth, fault, load, trigger, lines
        case cartridgeInsert = "cartridge_insert"
        case cartridgeRemove = "cartridge_remove"
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        switch try reader.requiredEnum("action", Kind.self) {
        case .depth: self = .depth(depthMM: try reader.requiredNumber("depth_mm"))
        case .fault:
            self = .fault(
                try reader.requiredEnum("name", SimulatedFault.self), clear: try reader.optionalBool("clear") ?? false)
        case .load: self = .load(fraction: try reader.requiredNumber("fraction", in: 0...1))
        case .trigger: self = .trigger(pressed: try reader.requiredBool("pressed"))
        case .lines: self = .lines
        case .cartridgeInsert: self = .cartridgeInsert(try SimCartridge(reading: &reader))
        case .cartridgeRemove: self = .cartridgeRemove
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
        case .cartridgeInsert(let cartridge): cartridge.arguments
        case .cartridgeRemove: ["action": .string(Kind.cartridgeRemove.rawValue)]
        }
    }
}

/// The identity of a simulated cartridge, as its ID EEPROM would hold it: serial and lot of
/// 1–12 printable ASCII characters (the EEPROM's fields are 12 bytes), 1–255 needles.
public struct SimCartridge: Sendable, Hashable {
    public static let maxCodeLength = 12
    public static let needleRange = 1...255

    public let serial: String
    public let lot: String
    public let needles: Int
    public let used: Bool

    public init(serial: String, lot: String, needles: Int, used: Bool = false) throws(ProtocolError) {
        var reader = ArgumentReader(command: "sim", args: [
            "serial": .string(serial), "lot": .string(lot), "needles": .integer(Int64(needles)), "used": .bool(used),
        ])
        self = try Self(reading: &reader)
    }

    init(reading reader: inout ArgumentReader) throws(ProtocolError) {
        serial = try Self.code("serial", &reader)
        lot = try Self.code("lot", &reader)
        guard let count = try reader.optionalInteger("needles", in: Self.needleRange) else {
            throw ProtocolError(.invalidRequest, "sim: needles is required (\(Self.needleRange.lowerBound)…\(Self.needleRange.upperBound))")
        }
        needles = count
        used = try reader.optionalBool("used") ?? false
    }

    private static func code(_ field: String, _ reader: inout ArgumentReader) throws(ProtocolError) -> String {
        guard let text = try reader.optionalString(field, maxLength: maxCodeLength) else {
            throw ProtocolError(.invalidRequest, "sim: \(field) is required (1 to \(maxCodeLength) printable ASCII characters)")
        }
        guard text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }), text.utf8.count <= maxCodeLength else {
            throw ProtocolError(.invalidRequest, "sim: \(field) must be 1 to \(maxCodeLength) printable ASCII characters")
        }
        return text
    }

    var arguments: [String: JSONValue] {
        [
            "action": .string(SimAction.Kind.cartridgeInsert.rawValue), "serial": .string(serial), "lot": .string(lot),
            "needles": .integer(Int64(needles)), "used": .bool(used),
        ]
    }
}
