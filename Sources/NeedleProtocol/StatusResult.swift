/// The pen's status: the `result` of `status` and the `data` of telemetry events.
/// Absent values are encoded as explicit JSON `null`, never omitted.
public struct StatusResult: Sendable, Hashable, Codable {
    /// The depth window of the current mode, in mm.
    public struct Window: Sendable, Hashable, Codable {
        public var min: Double
        public var max: Double
        public init(min: Double, max: Double) {
            self.min = min
            self.max = max
        }
    }

    public var state: PenState
    public var mode: OperatingMode
    /// Last valid measured depth; nil when there is none.
    public var depthMM: Double?
    /// The armed plan's target depth.
    public var targetDepthMM: Double?
    public var window: Window
    public var motorOn: Bool
    public var strokeRateHz: Double
    public var targetStrokeRateHz: Double?
    /// The armed plan's speed setting 1…10.
    public var speed: Int?
    public var area: String?
    /// The armed plan's session time in seconds (nil: no time limit, or no plan).
    public var durationS: Double?
    /// The armed plan was armed with a clinician's override of its area's limits.
    public var override: Bool?
    /// Latched faults.
    public var faults: [FaultCode]
    public var hardware: HardwareKind
    /// Seconds left of a timed run.
    public var remainingS: Double?
    public var strokes: Int
    public var uptimeS: Double
    public var lastStopReason: String?
    /// The depth calibration is measured (an uncalibrated pen refuses to arm).
    public var calibrated: Bool
    public var selfTest: SelfTestReport
    public var cartridge: CartridgeReport

    public init(
        state: PenState, mode: OperatingMode, depthMM: Double?, targetDepthMM: Double?, window: Window,
        motorOn: Bool, strokeRateHz: Double, targetStrokeRateHz: Double?, speed: Int?, area: String?,
        durationS: Double?, override: Bool?, faults: [FaultCode], hardware: HardwareKind, remainingS: Double?,
        strokes: Int, uptimeS: Double, lastStopReason: String?, calibrated: Bool, selfTest: SelfTestReport,
        cartridge: CartridgeReport
    ) {
        self.state = state
        self.mode = mode
        self.depthMM = depthMM
        self.targetDepthMM = targetDepthMM
        self.window = window
        self.motorOn = motorOn
        self.strokeRateHz = strokeRateHz
        self.targetStrokeRateHz = targetStrokeRateHz
        self.speed = speed
        self.area = area
        self.durationS = durationS
        self.override = override
        self.faults = faults
        self.hardware = hardware
        self.remainingS = remainingS
        self.strokes = strokes
        self.uptimeS = uptimeS
        self.lastStopReason = lastStopReason
        self.calibrated = calibrated
        self.selfTest = selfTest
        self.cartridge = cartridge
    }

    enum CodingKeys: String, CodingKey {
        case state, mode, window, faults, hardware, speed, area, strokes, override, calibrated, cartridge
        case durationS = "duration_s"
        case selfTest = "self_test"
        case depthMM = "depth_mm"
        case targetDepthMM = "target_depth_mm"
        case motorOn = "motor_on"
        case strokeRateHz = "stroke_rate_hz"
        case targetStrokeRateHz = "target_stroke_rate_hz"
        case remainingS = "remaining_s"
        case uptimeS = "uptime_s"
        case lastStopReason = "last_stop_reason"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(mode, forKey: .mode)
        try container.encodeNullable(depthMM, forKey: .depthMM)
        try container.encodeNullable(targetDepthMM, forKey: .targetDepthMM)
        try container.encode(window, forKey: .window)
        try container.encode(motorOn, forKey: .motorOn)
        try container.encode(strokeRateHz, forKey: .strokeRateHz)
        try container.encodeNullable(targetStrokeRateHz, forKey: .targetStrokeRateHz)
        try container.encodeNullable(speed, forKey: .speed)
        try container.encodeNullable(area, forKey: .area)
        try container.encodeNullable(durationS, forKey: .durationS)
        try container.encodeNullable(override, forKey: .override)
        try container.encode(faults, forKey: .faults)
        try container.encode(hardware, forKey: .hardware)
        try container.encodeNullable(remainingS, forKey: .remainingS)
        try container.encode(strokes, forKey: .strokes)
        try container.encode(uptimeS, forKey: .uptimeS)
        try container.encodeNullable(lastStopReason, forKey: .lastStopReason)
        try container.encode(calibrated, forKey: .calibrated)
        try container.encode(selfTest, forKey: .selfTest)
        try container.encode(cartridge, forKey: .cartridge)
    }
}
