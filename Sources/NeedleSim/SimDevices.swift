import NeedleHAL

/// A simulated output line: records the level the daemon sets.
public final class SimOutput: DigitalOutput {
    enum Line: Sendable {
        case motorEnable, brake, heartbeat, statusLED, faultLED
    }

    private let engine: PenEngine
    private let line: Line

    init(engine: PenEngine, line: Line) {
        self.engine = engine
        self.line = line
    }

    public func set(active: Bool) throws(HALError) {
        let line = line
        engine.access { state, now in
            switch line {
            case .motorEnable: state.motorEnable = active
            case .brake: state.brake = active
            case .heartbeat: state.watchdog.set(level: active, at: now)
            case .statusLED: state.statusLED = active
            case .faultLED: state.faultLED = active
            }
        }
    }
}

/// A simulated input line. The tach and the trigger queue edge events (as lines
/// requested with edge detection do); the others are read by level only.
public final class SimInput: DigitalInput {
    enum Line: Sendable {
        case tach, trigger, estop, cartridgePresent, driverFault
    }

    private let engine: PenEngine
    private let line: Line

    init(engine: PenEngine, line: Line) {
        self.engine = engine
        self.line = line
    }

    public func read() throws(HALError) -> Bool {
        let line = line
        return engine.access { state, _ in
            switch line {
            case .tach: state.motor.hallActive
            case .trigger: state.triggerPressed
            case .estop: state.faults.contains(.estop)
            case .cartridgePresent: !state.faults.contains(.cartridgeRemoved)
            case .driverFault: state.faults.contains(.driverFault)
            }
        }
    }

    public func nextEdge() throws(HALError) -> EdgeEvent? {
        let line = line
        return engine.access { state, _ in
            switch line {
            case .tach: state.tachEdges.pop()
            case .trigger: state.triggerEdges.pop()
            case .estop, .cartridgePresent, .driverFault: nil
            }
        }
    }
}

/// The motor driver's AIN1 PWM input.
public final class SimPWM: PWMChannel {
    private let engine: PenEngine

    init(engine: PenEngine) {
        self.engine = engine
    }

    public func apply(_ pwmState: PWMState) throws(HALError) {
        engine.access { state, _ in state.pwm = pwmState }
    }
}

/// The pen's I2C bus with the AS5600's register model at its address and the cartridge's
/// ID EEPROM at 0x50; any other address does not acknowledge.
public final class SimI2CBus: I2CBus {
    private let engine: PenEngine

    init(engine: PenEngine) {
        self.engine = engine
    }

    public func perform(_ operation: SMBusOperation, address: UInt8) throws(HALError) -> UInt32 {
        let result = engine.access { state, now in
            if address == CartridgeEEPROMModel.address, address != state.sensor.address {
                return state.cartridge.perform(operation, seated: !state.faults.contains(.cartridgeRemoved), nowNs: now)
            }
            return state.sensor.perform(
                operation, address: address, depthMM: state.collar.positionMM, faults: state.faults,
                motorTurning: !state.motor.isStopped)
        }
        return try result.get()
    }
}
