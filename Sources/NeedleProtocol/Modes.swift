/// Operating mode of the pen; selects the depth window (home < 1 mm, clinical 1–3 mm).
public enum OperatingMode: String, Codable, Sendable, CaseIterable, Hashable {
    case home
    case clinical
}

/// Top-level state of the pen as reported by `status`.
public enum PenState: String, Codable, Sendable, CaseIterable, Hashable {
    case idle
    case armed
    case running
    case fault
    /// The self-test is running (the motor spins briefly at the lowest level only when an
    /// operator asked for the full test).
    case selfTest = "self_test"
}

/// A latched fault, cleared only by `clear` once its cause is gone.
public enum FaultCode: String, Codable, Sendable, CaseIterable, Hashable {
    case depthLimit = "depth_limit"
    case sensorFault = "sensor_fault"
    case driverFault = "driver_fault"
    case estop
    case cartridgeRemoved = "cartridge_removed"
    case stall
    case selftestFailed = "selftest_failed"
    /// The motor turned without being driven, or faster than any level: the heartbeat stops.
    case runaway
}

/// Which backend drives the pen.
public enum HardwareKind: String, Codable, Sendable, CaseIterable, Hashable {
    case simulated
    case linux
}
