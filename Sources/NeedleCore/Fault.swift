/// A latched fault. Latched faults keep the motor off until an explicit `clear`, which
/// succeeds only once the cause is gone (DESIGN.md §3 rules 1, 3, 6).
public enum Fault: Int, Sendable, CaseIterable {
    case depthLimit
    case sensorFault
    case driverFault
    case estop
    case cartridgeRemoved
    case stall
    /// The power-on self-test failed; `SupervisorStatus.selfTest` names the step.
    case selftestFailed
    /// The motor turns without being driven (beyond its coast-down) or faster than any
    /// level: software no longer controls it, so the heartbeat stops too.
    case runaway

    /// The snake_case code used on the wire and in the journal.
    public var code: String {
        switch self {
        case .depthLimit: "depth_limit"
        case .sensorFault: "sensor_fault"
        case .driverFault: "driver_fault"
        case .estop: "estop"
        case .cartridgeRemoved: "cartridge_removed"
        case .stall: "stall"
        case .selftestFailed: "selftest_failed"
        case .runaway: "runaway"
        }
    }
}

/// A set of faults as a bit mask: copying and testing it never allocates (it is read and
/// written on every control tick).
public struct FaultSet: OptionSet, Sendable, Equatable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public init(_ fault: Fault) { self.rawValue = 1 << UInt16(fault.rawValue) }

    public func contains(_ fault: Fault) -> Bool { contains(FaultSet(fault)) }
    public mutating func insert(_ fault: Fault) { formUnion(FaultSet(fault)) }

    /// The faults in a stable order (allocates: not for the tick).
    public var faults: [Fault] { Fault.allCases.filter { contains($0) } }
    public var codes: [String] { faults.map(\.code) }
}
