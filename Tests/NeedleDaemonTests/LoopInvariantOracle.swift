import NeedleCore
import NeedleHAL

/// What the oracle sees after one tick: the pen's outputs as the simulator holds them (the
/// MOTOR_EN level, the PWM, the heartbeat and the monostable, the LEDs), the sample the loop
/// read, and the supervisor's own account of its state.
struct TickObservation {
    var nowNs: UInt64
    var dtNs: UInt64
    /// What the loop's depth read returned in this tick (nil: it did not read).
    var sample: DepthInput?
    /// The newest tach stroke the loop has drained.
    var lastStrokeNs: UInt64?
    var enable: Bool
    var pwm: PWMState
    var heartbeat: Bool
    /// The heartbeat monostable has cut motor power.
    var powerCut: Bool
    var faultLED: Bool
    var state: SupervisorState
    var mode: Mode
    var faults: FaultSet
    var faultsBeforeTick: FaultSet
    /// AIN1's PWM write failed in this tick.
    var writeFailed = false
    /// The GPIO output lines whose write failed in this tick (each keeps its last level).
    var failedLines: Set<OutputLine> = []

    /// Any output write of the loop failed in this tick.
    var anyWriteFailed: Bool { writeFailed || !failedLines.isEmpty }
    /// MOTOR_EN is high because its own write failed: software could not lower it.
    var enableStuck: Bool { enable && failedLines.contains(.motorEnable) }
}

/// The sim's interlock inputs when a command is handled (the values the last tick read).
struct InterlockTruth {
    var estop: Bool
    var driverFault: Bool
    var cartridgeRemoved: Bool
}

/// The invariants of issue 9 §4 on the pen's physical outputs, judged with its own view of
/// the samples (not the supervisor's): checked after every tick and every command.
///
/// (a) MOTOR_EN is high only if calibrated, running (or in the self-test's spin), no fault
///     latched, and the newest valid sample is fresh (rule 3: at most two invalid samples
///     after it, within 5 ms) and inside the window; never after a loop gap longer than the
///     heartbeat monostable's 20 ms;
/// (b) a sample beyond the mode's limit (home ≥ 1.00 mm, clinical > 3.00 mm) has MOTOR_EN low
///     in the same tick, whatever its magnet status or plausibility;
/// (c) a latched fault leaves only through an accepted `clear`, and only with its cause gone;
/// (d) what the loop adds: the heartbeat toggles every tick until `runaway` latches, then
///     holds still, and motor power is cut 20 ms after; the PWM is off whenever MOTOR_EN is
///     low; the fault LED shows whether a fault is latched (or a write failed). A failed PWM
///     write excuses the heartbeat in its tick and the next, and a PWM left on, but MOTOR_EN
///     must be low in its tick. A failed GPIO write excuses the heartbeat the same way and
///     the line's own level; a MOTOR_EN held high by its failing writes excuses (a) and (b),
///     because software cannot lower it: the heartbeat must then stop, so that the monostable
///     cuts motor power within its 20 ms (and one tick).
struct LoopOracle {
    private(set) var calibration: DepthCalibration
    let calibrated: Bool
    private(set) var lastValidMM: Double?
    private(set) var lastValidNs: UInt64 = 0
    private(set) var invalidSince = 0
    private(set) var consistentValid = 0
    private var lastRaw: UInt16?
    private var rawSinceNs: UInt64 = 0
    private var lastStrokeNs: UInt64?
    private var previousHeartbeat: Bool?
    private var previousWriteFailed = false
    /// Since when MOTOR_EN has been held high by its own failing writes.
    private var stuckSinceNs: UInt64?
    /// When `runaway` was first seen latched, and the heartbeat's level then.
    private var runaway: (sinceNs: UInt64, heartbeat: Bool)?
    private var nowNs: UInt64

    static let sensorTimeoutNs: UInt64 = 5_000_000
    static let monostableNs: UInt64 = 20_000_000
    static let stuckNs: UInt64 = 50_000_000
    static let runawayQuietNs: UInt64 = 500_000_000

    init(calibration: DepthCalibration, calibrated: Bool, startNs: UInt64) {
        self.calibration = calibration
        self.calibrated = calibrated
        nowNs = startNs
    }

    /// A new calibration is in use (`calibrate span`): depths are judged on its scale from
    /// now on, and no sample read on the old one vouches for the next (as in the supervisor).
    mutating func recalibrated(_ new: DepthCalibration) {
        calibration = new
        lastValidMM = nil
        consistentValid = 0
    }

    /// DESIGN.md §3 rule 1's limit, as stated there (not as `Mode` computes it).
    static func beyondLimit(_ mm: Double, mode: Mode) -> Bool {
        switch mode {
        case .home: !(mm < 1.00 - 1e-9)
        case .clinical: !(mm <= 3.00 + 1e-9)
        }
    }

    /// A sample the oracle counts as valid: a reading with a good magnet inside the collar's
    /// travel. (The supervisor may be stricter: its jump rule.)
    func validDepth(_ sample: DepthInput?) -> Double? {
        guard case .reading(let raw, true) = sample else { return nil }
        let mm = calibration.depthMM(rawAngle: raw)
        return DepthCalibration.travelMM.contains(mm) ? mm : nil
    }

    /// Takes one tick's observation; returns the first invariant it breaks, if any.
    mutating func observe(_ o: TickObservation) -> String? {
        nowNs = o.nowNs
        if o.dtNs > Self.sensorTimeoutNs { consistentValid = 0 }
        if case .reading(let raw, _) = o.sample, raw != lastRaw || lastRaw == nil {
            lastRaw = raw
            rawSinceNs = o.nowNs
        }
        if let mm = validDepth(o.sample) {
            lastValidMM = mm
            lastValidNs = o.nowNs
            invalidSince = 0
            consistentValid += 1
        } else {
            invalidSince += 1
            consistentValid = 0
        }
        if let stroke = o.lastStrokeNs { lastStrokeNs = stroke }
        defer {
            previousHeartbeat = o.heartbeat
            previousWriteFailed = o.anyWriteFailed
        }
        if o.enableStuck {
            let since = stuckSinceNs ?? o.nowNs
            stuckSinceNs = since
            if o.nowNs - since > Self.monostableNs + o.dtNs, !o.powerCut {
                return "(d) MOTOR_EN held high by failing writes, motor power still on \((o.nowNs - since) / 1_000_000) ms later"
            }
            return o.faultsBeforeTick.isSubset(of: o.faults)
                ? nil : "(c) faults \(o.faultsBeforeTick.codes) dropped by a tick (now \(o.faults.codes))"
        }
        stuckSinceNs = nil

        if case .reading(let raw, _) = o.sample, o.enable {
            let mm = calibration.depthMM(rawAngle: raw)
            if Self.beyondLimit(mm, mode: o.mode) {
                return "(b) MOTOR_EN high in the tick of a sample at \(mm) mm, beyond the \(o.mode.rawValue) limit [\(o.state.rawValue)]"
            }
        }
        if o.enable, let why = enableViolation(o) { return "(a) MOTOR_EN high \(why) [\(o.state.rawValue)]" }
        if !o.faultsBeforeTick.isSubset(of: o.faults) {
            return "(c) faults \(o.faultsBeforeTick.codes) dropped by a tick (now \(o.faults.codes))"
        }
        return loopViolation(o)
    }

    private func enableViolation(_ o: TickObservation) -> String? {
        if !calibrated { return "on an uncalibrated pen" }
        if o.state != .running && o.state != .selfTest { return "in state \(o.state.rawValue)" }
        if !o.faults.isEmpty { return "with faults \(o.faults.codes)" }
        guard let valid = lastValidMM, invalidSince < 3, o.nowNs - lastValidNs <= Self.sensorTimeoutNs else {
            return "without a fresh valid sample (\(invalidSince) invalid since, the last \(o.nowNs - lastValidNs) ns ago)"
        }
        if Self.beyondLimit(valid, mode: o.mode) {
            return "with the newest valid sample \(valid) mm beyond the \(o.mode.rawValue) limit"
        }
        if o.dtNs > Self.monostableNs { return "after a loop gap of \(o.dtNs / 1_000_000) ms" }
        return nil
    }

    /// (d): the heartbeat, the monostable, the PWM and the fault LED.
    private mutating func loopViolation(_ o: TickObservation) -> String? {
        // H-PRC-1: a tick whose PWM write failed leaves the drive unknown, so MOTOR_EN is low.
        if o.enable, o.writeFailed { return "(d) MOTOR_EN high in a tick whose PWM write failed" }
        // A PWM that could not be switched off keeps its last state; MOTOR_EN low is what counts.
        // A MOTOR_EN write that failed while the PWM was set leaves MOTOR_EN low: the driver is off.
        if !o.enable, o.pwm.enabled, !o.writeFailed, !o.failedLines.contains(.motorEnable) {
            return "(d) PWM enabled (duty \(o.pwm.dutyNs) ns) with MOTOR_EN low"
        }
        // The loop writes the fault LED after MOTOR_EN, the PWM and the status LED, lit if any
        // of them failed; a fault LED whose own write failed keeps its old level.
        let failedBeforeLED = o.writeFailed || !o.failedLines.isDisjoint(with: [.motorEnable, .statusLED])
        if !o.failedLines.contains(.faultLED), o.faultLED != (!o.faults.isEmpty || failedBeforeLED) {
            return "(d) fault LED \(o.faultLED ? "on" : "off") with faults \(o.faults.codes)\(failedBeforeLED ? " and a failed write" : "")"
        }
        guard o.faults.contains(.runaway) else {
            runaway = nil
            // A failed write skips the heartbeat in its tick, and the next tick writes the level
            // the supervisor reached meanwhile (the one the line already has).
            if let previous = previousHeartbeat, o.heartbeat == previous, !o.anyWriteFailed, !previousWriteFailed {
                return "(d) the heartbeat did not toggle"
            }
            return nil
        }
        guard let latched = runaway else {
            runaway = (o.nowNs, o.heartbeat)
            return nil
        }
        if o.heartbeat != latched.heartbeat { return "(d) the heartbeat toggled with runaway latched" }
        if o.nowNs - latched.sinceNs > Self.monostableNs, !o.powerCut {
            return "(d) motor power on \((o.nowNs - latched.sinceNs) / 1_000_000) ms after runaway latched"
        }
        return nil
    }

    /// Judges one command: faults drop only through an accepted `clear`, with their cause gone.
    func command(
        _ command: LoopCommand, accepted: Bool, before: FaultSet, after: FaultSet, mode: Mode, truth: InterlockTruth
    ) -> String? {
        if !before.isSubset(of: after), !(command == .clear && accepted) {
            return "(c) faults \(before.codes) dropped by \(command) (now \(after.codes))"
        }
        guard command == .clear, accepted, let cause = causePresent(before, mode: mode, truth: truth) else { return nil }
        return "(c) clear accepted while the cause of \(cause) is present"
    }

    /// The latched fault whose cause the oracle can still see, if any.
    func causePresent(_ faults: FaultSet, mode: Mode, truth: InterlockTruth) -> String? {
        if faults.contains(.estop), truth.estop { return "estop" }
        if faults.contains(.driverFault), truth.driverFault { return "driver_fault" }
        if faults.contains(.cartridgeRemoved), truth.cartridgeRemoved { return "cartridge_removed" }
        let trusted = consistentValid >= 3 && nowNs - lastValidNs <= Self.sensorTimeoutNs ? lastValidMM : nil
        if faults.contains(.depthLimit) {
            guard let trusted else { return "depth_limit (no trusted depth: \(consistentValid) valid in a row)" }
            if Self.beyondLimit(trusted, mode: mode) { return "depth_limit (at \(trusted) mm)" }
        }
        if faults.contains(.sensorFault) {
            if trusted == nil { return "sensor_fault (\(consistentValid) valid in a row)" }
            if lastRaw != nil, nowNs - rawSinceNs >= Self.stuckNs { return "sensor_fault (raw frozen)" }
        }
        if faults.contains(.runaway), let stroke = lastStrokeNs, nowNs - stroke <= Self.runawayQuietNs {
            return "runaway (a stroke \((nowNs - stroke) / 1_000_000) ms ago)"
        }
        return nil
    }
}
