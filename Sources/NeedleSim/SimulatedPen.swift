import NeedleHAL

/// A simulated pen that behaves like the hardware: motor and cam with a tach, a depth
/// collar read through an AS5600 register model on an I2C bus, the motor driver's fault
/// line, trigger, e-stop and cartridge inputs, and the heartbeat watchdog that gates
/// motor power — with the known failures injectable.
///
/// Time comes from the clock it is given: a real monotonic clock for the daemon, a
/// `VirtualClock` for deterministic tests. Physics is integrated lazily on every access,
/// so nothing runs in the background. All device calls are thread-safe and allocation-free.
///
/// The depth sensor is not built here (NeedleSim depends only on NeedleHAL): wrap
/// `i2cBus` in the AS5600 driver and pass it to `makeDevices(depthSensor:)`.
public final class SimulatedPen: Sendable {
    /// The calibration the simulated collar ships with.
    public static let calibration = SimCalibration(zeroCounts: 512, mmPerCount: 0.001)

    public let parameters: SimParameters
    private let engine: PenEngine

    public let motorEnable: SimOutput
    public let brake: SimOutput
    public let heartbeat: SimOutput
    public let statusLED: SimOutput
    public let faultLED: SimOutput
    public let motorPWM: SimPWM
    public let tach: SimInput
    public let trigger: SimInput
    public let estop: SimInput
    public let cartridgePresent: SimInput
    public let driverFault: SimInput
    /// The pen's I2C bus, with the AS5600 at `parameters.sensorAddress`.
    public let i2cBus: SimI2CBus

    public init(clock: any MonotonicClock, parameters: SimParameters = SimParameters()) {
        self.parameters = parameters
        let engine = PenEngine(clock: clock, parameters: parameters)
        self.engine = engine
        motorEnable = SimOutput(engine: engine, line: .motorEnable)
        brake = SimOutput(engine: engine, line: .brake)
        heartbeat = SimOutput(engine: engine, line: .heartbeat)
        statusLED = SimOutput(engine: engine, line: .statusLED)
        faultLED = SimOutput(engine: engine, line: .faultLED)
        motorPWM = SimPWM(engine: engine)
        tach = SimInput(engine: engine, line: .tach)
        trigger = SimInput(engine: engine, line: .trigger)
        estop = SimInput(engine: engine, line: .estop)
        cartridgePresent = SimInput(engine: engine, line: .cartridgePresent)
        driverFault = SimInput(engine: engine, line: .driverFault)
        i2cBus = SimI2CBus(engine: engine)
    }

    /// All the pen's devices for the control loop, with the caller's depth sensor
    /// (normally `AS5600(bus: pen.i2cBus)`).
    public func makeDevices(depthSensor: any DepthSensor) -> PenDevices {
        PenDevices(
            motorEnable: motorEnable, brake: brake, heartbeat: heartbeat, statusLED: statusLED,
            faultLED: faultLED, motorPWM: motorPWM, depthSensor: depthSensor, driverFault: driverFault,
            tach: tach, trigger: trigger, estop: estop, cartridgePresent: cartridgePresent)
    }

    // MARK: The world around the pen

    /// The operator turns the collar toward `mm`; it gets there at the collar speed.
    /// A non-finite value is ignored.
    public func setDepth(mm: Double) {
        guard mm.isFinite else { return }
        engine.access { state, _ in state.collar.targetMM = mm }
    }

    /// How fast the operator turns the collar (mm/s, ≥ 0).
    public func setCollarSpeed(mmPerSecond: Double) {
        guard mmPerSecond.isFinite else { return }
        engine.access { state, _ in state.collar.speedMMPerS = max(mmPerSecond, 0) }
    }

    /// How hard the skin resists the needles, 0 (in air) … 1; clamped.
    public func setLoad(_ load: Double) {
        guard load.isFinite else { return }
        engine.access { state, _ in state.load = min(max(load, 0), 1) }
    }

    public func pressTrigger() { setTrigger(pressed: true) }
    public func releaseTrigger() { setTrigger(pressed: false) }

    private func setTrigger(pressed: Bool) {
        engine.access { state, now in
            guard state.triggerPressed != pressed else { return }
            state.triggerPressed = pressed
            state.triggerEdges.push(EdgeEvent(timestampNs: now, becameActive: pressed))
        }
    }

    // MARK: Cartridges

    /// Seats a cartridge whose ID EEPROM holds this identity (serial and lot: up to 12
    /// ASCII characters). Drives the cartridge-present input active.
    public func insertCartridge(serial: String, lot: String, needles: UInt8, used: Bool = false) {
        engine.access { state, _ in
            state.cartridge.program(serial: serial, lot: lot, needles: needles, used: used)
            state.faults.remove(.cartridgeRemoved)
        }
    }

    /// Seats a cartridge whose EEPROM was never programmed (reads blank).
    public func insertBlankCartridge() {
        engine.access { state, _ in
            state.cartridge.programBlank()
            state.faults.remove(.cartridgeRemoved)
        }
    }

    /// Seats a cartridge with no ID EEPROM at all (every transfer at 0x50 NACKs).
    public func insertCartridgeWithoutEEPROM() {
        engine.access { state, _ in
            state.cartridge.removeChip()
            state.faults.remove(.cartridgeRemoved)
        }
    }

    /// Pulls the cartridge: the present input goes inactive and 0x50 stops answering.
    /// Clearing the `cartridge-removed` fault re-seats the same cartridge, used marker and all.
    public func removeCartridge() {
        inject(.cartridgeRemoved)
    }

    /// Overwrites one byte of the cartridge's EEPROM (to corrupt it in tests).
    public func pokeCartridge(offset: UInt8, value: UInt8) {
        engine.access { state, _ in state.cartridge.poke(offset, value) }
    }

    /// Whether the seated cartridge's used marker is set (nil: no EEPROM).
    public var cartridgeUsed: Bool? {
        engine.access { state, _ in state.cartridge.used }
    }

    // MARK: Faults

    public func inject(_ fault: SimFault) {
        engine.access { state, _ in
            if fault == .sensorStuck, !state.faults.contains(.sensorStuck) {
                // Frozen where it is now, without noise.
                state.sensor.stuckAngle = state.sensor.idealAngle(depthMM: state.collar.positionMM)
            }
            state.faults.insert(fault)
        }
    }

    public func clear(_ fault: SimFault) {
        engine.access { state, _ in
            if fault == .sensorStuck { state.sensor.stuckAngle = nil }
            state.faults.remove(fault)
        }
    }

    public func clearAllFaults() {
        for fault in SimFault.allCases { clear(fault) }
    }

    /// The next angle sample returns `rawAngle` (12 bits) once — e.g. 3839, seen after a
    /// failed transfer, or 0, seen intermittently.
    public func glitch(rawAngle: UInt16) {
        engine.access { state, _ in state.sensor.pendingGlitch = rawAngle }
    }

    /// Probability (0…1) that an I2C transaction fails while the motor turns.
    public func setBusDisturbance(probability: Double) {
        guard probability.isFinite else { return }
        engine.access { state, _ in state.sensor.disturbanceProbability = min(max(probability, 0), 1) }
    }

    /// Reseeds the noise and disturbance generator.
    public func setSeed(_ seed: UInt64) {
        engine.access { state, _ in state.sensor.rng = SplitMix64(seed: seed) }
    }

    // MARK: Observation

    /// Whether the watchdog has cut motor power now.
    public var motorPowerCut: Bool {
        engine.access { state, now in !state.watchdog.powered(at: now) }
    }

    /// Brings the physics up to the clock's current time and returns the pen's state.
    public func snapshot() -> SimSnapshot {
        engine.access { state, now in
            var driven = false
            if case .driven = state.drive(at: now) { driven = !state.faults.contains(.stall) }
            return SimSnapshot(
                timeNs: now, motorEnable: state.motorEnable, brake: state.brake,
                heartbeat: state.watchdog.level, statusLED: state.statusLED, faultLED: state.faultLED,
                pwm: state.pwm, collarDepthMM: state.collar.positionMM, collarTargetMM: state.collar.targetMM,
                strokeRateHz: state.motor.rateHz, totalStrokes: state.motor.totalStrokes, load: state.load,
                faults: state.faults.list, watchdogCut: !state.watchdog.powered(at: now), motorDriven: driven,
                triggerPressed: state.triggerPressed, pendingTachEdges: state.tachEdges.count,
                droppedTachEdges: state.tachEdges.overflows)
        }
    }
}
