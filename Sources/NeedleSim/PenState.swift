import NeedleHAL

/// The whole simulated pen at one instant: what the outputs were set to, the physics,
/// the faults, the input queues. It is guarded by one mutex (`PenEngine`), and every
/// access first integrates the physics up to the clock's current time.
struct PenState: Sendable {
    // Outputs as the daemon set them (logical levels).
    var motorEnable = false
    var brake = false
    var statusLED = false
    var faultLED = false
    var pwm = PWMState.off
    var watchdog: HeartbeatWatchdog

    // The world.
    var motor: MotorModel
    var collar: Collar
    var sensor: AS5600RegisterModel
    /// The seated cartridge's ID EEPROM (seated = no `cartridge-removed` fault).
    var cartridge = CartridgeEEPROMModel()
    var load = 0.0
    var faults = FaultSet()
    var triggerPressed = false

    // Edge queues. Mutated in place only (see `EdgeRing`).
    var tachEdges: EdgeRing
    var triggerEdges: EdgeRing

    /// Simulated time, always on the integration grid.
    private(set) var timeNs: UInt64
    let substepNs: UInt64

    init(parameters: SimParameters, startNs: UInt64) {
        watchdog = HeartbeatWatchdog(timeoutNs: parameters.watchdogTimeoutNs)
        motor = MotorModel(parameters: parameters)
        collar = Collar(positionMM: parameters.initialDepthMM, speedMMPerS: parameters.collarSpeedMMPerS)
        sensor = AS5600RegisterModel(
            address: parameters.sensorAddress, calibration: SimulatedPen.calibration,
            noiseCounts: parameters.noiseCounts, seed: parameters.seed)
        cartridge.program(
            serial: parameters.cartridgeSerial, lot: parameters.cartridgeLot, needles: parameters.cartridgeNeedles,
            used: false)
        tachEdges = EdgeRing(capacity: parameters.tachQueueCapacity)
        triggerEdges = EdgeRing(capacity: 16)
        timeNs = startNs
        substepNs = max(parameters.substepNs, 1)
    }

    /// Whether the driver is awake and able to act on the motor at `t`: nSLEEP high, no
    /// nFAULT, and the watchdog has not cut motor power (no supply, no gate drive).
    func driverAwake(at t: UInt64) -> Bool {
        motorEnable && !faults.contains(.driverFault) && watchdog.powered(at: t)
    }

    /// What the H-bridge does to the motor at `t`. Braking needs an awake driver (its
    /// low-side switches short the windings); an asleep or unpowered driver leaves its
    /// outputs open and the motor coasts.
    func drive(at t: UInt64) -> MotorModel.Drive {
        // A runaway driver needs only motor power, which the heartbeat's monostable gates.
        if faults.contains(.motorRunaway), watchdog.powered(at: t) { return .driven(duty: 1) }
        guard driverAwake(at: t) else { return .coasting }
        if brake { return .braking }
        if faults.contains(.pwmStuck) { return .driven(duty: 1) }
        return pwm.enabled ? .driven(duty: pwm.dutyFraction) : .coasting
    }

    /// Integrates the physics up to the last grid point at or before `nowNs`. A fixed grid
    /// makes the result independent of how often the devices are called.
    mutating func advance(to nowNs: UInt64) {
        guard nowNs > timeNs else { return }
        let steps = (nowNs - timeNs) / substepNs
        guard steps > 0 else { return }
        let stepSeconds = Double(substepNs) / 1e9
        var remaining = steps
        while remaining > 0 {
            // Idle shortcut: nothing moves and nothing will until a call changes something
            // (an undriven motor stays undriven: the watchdog can only cut power on its
            // own, never restore it). Skipping is exact: the steps would be no-ops.
            if motor.isStopped, collar.atTarget, !isDriven(at: timeNs) {
                timeNs += remaining * substepNs
                return
            }
            motor.step(
                startNs: timeNs, stepNs: substepNs, drive: drive(at: timeNs), load: load,
                jammed: faults.contains(.stall), tach: &tachEdges)
            collar.step(seconds: stepSeconds)
            timeNs += substepNs
            remaining -= 1
        }
    }

    private func isDriven(at t: UInt64) -> Bool {
        if case .driven(let duty) = drive(at: t), duty > 0, !faults.contains(.stall) { return true }
        return false
    }
}
