/// A fault the simulator can inject: the known ways the pen's hardware fails (DESIGN §4).
/// Raw values are the names `needlectl sim` and the socket use.
public enum SimFault: String, CaseIterable, Sendable {
    /// Every AS5600 transfer fails (NACK): unplugged cable, dead sensor.
    case sensorError = "sensor-error"
    /// AS5600 STATUS says no magnet (MD = 0): the collar's magnet fell out or is too far.
    case magnetMissing = "magnet-missing"
    /// The raw angle freezes at its current value with no noise: a hung sensor.
    case sensorStuck = "sensor-stuck"
    /// DRV8833 nFAULT asserted (overcurrent, thermal): the driver stops driving.
    case driverFault = "driver-fault"
    /// The motor is jammed: no rotation even when driven.
    case stall
    /// The e-stop loop is open.
    case estop
    /// The cartridge is not seated.
    case cartridgeRemoved = "cartridge-removed"
    /// The H-bridge drives the motor at full duty whatever the enable and PWM say (a shorted
    /// driver, or the enable stuck high with a PWM that ignores writes). Only cutting motor
    /// power — the heartbeat monostable — stops it.
    case motorRunaway = "motor-runaway"
    /// The PWM ignores writes and drives full duty whenever the driver is awake: the motor
    /// overspeeds while enabled; the enable still stops it.
    case pwmStuck = "pwm-stuck"

    /// A bit in `FaultSet`; the state keeps faults in a bitmask so that checking them on
    /// the device path never allocates.
    var bit: UInt16 {
        switch self {
        case .sensorError: 1 << 0
        case .magnetMissing: 1 << 1
        case .sensorStuck: 1 << 2
        case .driverFault: 1 << 3
        case .stall: 1 << 4
        case .estop: 1 << 5
        case .cartridgeRemoved: 1 << 6
        case .motorRunaway: 1 << 7
        case .pwmStuck: 1 << 8
        }
    }
}

/// The active faults, as a bitmask.
struct FaultSet: Sendable, Equatable {
    var bits: UInt16 = 0

    func contains(_ fault: SimFault) -> Bool { bits & fault.bit != 0 }
    mutating func insert(_ fault: SimFault) { bits |= fault.bit }
    mutating func remove(_ fault: SimFault) { bits &= ~fault.bit }

    /// The active faults in declaration order (allocates: for snapshots only).
    var list: [SimFault] { SimFault.allCases.filter(contains) }
}
