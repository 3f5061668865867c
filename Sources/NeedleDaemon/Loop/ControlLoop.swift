import NeedleCore
import NeedleDrivers
import NeedleHAL
import Synchronization

/// One control tick: read every input, let the supervisor decide, write every output.
///
/// The supervisor sits behind a mutex shared with the socket threads; the lock is held
/// only while the supervisor computes, never across device I/O. A tick allocates nothing
/// and logs nothing (the bench counts allocations on this path). Tests call `tick(nowNs:)`
/// directly with a virtual clock; `LoopThread` calls it at a fixed period in production.
public final class ControlLoop: @unchecked Sendable {
    public let devices: PenDevices
    public let metrics = LoopMetrics()
    private let supervisor: Mutex<SafetySupervisor>

    // Tick-private state: touched only by the thread that calls `tick`, never shared (that
    // is why the class is @unchecked Sendable). Kept out of the mutex so that no lock is
    // needed across the output writes that depend on it.
    private var lastOutput = OutputCommand.safe
    private var lastPWM = PWMState.off
    private var outputWriteFailed = false
    /// Reads the seated cartridge's identity a transfer per tick and writes its used marker;
    /// nil for a pen without an ID EEPROM (the supervisor then sees `.unknown`).
    private var cartridge: CartridgeChannel?
    /// What the reader reported after the previous tick's outputs (the supervisor sees the
    /// cartridge one tick late; the trip path never waits for an EEPROM transfer).
    private var cartridgeStatus = CartridgeStatus.unknown
    /// PWM period on AIN1: 20 kHz, above hearing and the DRV8833's comfortable maximum.
    public static let pwmPeriodNs: UInt32 = 50_000
    /// This pen's AIN1 period (`[hardware.pwm] frequency_hz`); set once, read by each tick.
    public let pwmPeriodNs: UInt32

    public init(
        devices: PenDevices, config: SafetyConfig, startNs: UInt64, pwmPeriodNs: UInt32 = ControlLoop.pwmPeriodNs,
        cartridge: CartridgeEEPROM? = nil
    ) {
        self.devices = devices
        self.pwmPeriodNs = pwmPeriodNs
        self.cartridge = cartridge.map { CartridgeChannel(eeprom: $0) }
        self.supervisor = Mutex(SafetySupervisor(config: config, startNs: startNs))
    }

    /// Drives every output to its safe state. Called before anything else at start-up and
    /// on every exit path (DESIGN.md §3 rule 4). Returns the first error, having tried all.
    @discardableResult
    public func forceSafe() -> HALError? {
        forceSafeReport().first?.error
    }

    /// `forceSafe()`, saying which lines could not be written (empty: every output is safe).
    public func forceSafeReport() -> [OutputWriteFailure] {
        let failures = Self.forceSafe(devices)
        // Record what was written: the first healthy tick must turn the fault LED off again.
        lastOutput = .safe
        lastOutput.faultLED = true
        lastPWM = .off
        return failures
    }

    /// Drives a pen's outputs safe without a loop: what start-up does before it reads any
    /// state (the loop is built from that state). Tries every line; returns the failures.
    public static func forceSafe(_ devices: PenDevices) -> [OutputWriteFailure] {
        var failures: [OutputWriteFailure] = []
        func attempt(_ line: OutputWriteFailure.Line, _ body: () throws(HALError) -> Void) {
            do { try body() } catch { failures.append(OutputWriteFailure(line: line, error: error)) }
        }
        attempt(.motorEnable) { () throws(HALError) in try devices.motorEnable.set(active: false) }
        attempt(.motorPWM) { () throws(HALError) in try devices.motorPWM.apply(.off) }
        attempt(.brake) { () throws(HALError) in try devices.brake.set(active: false) }
        attempt(.statusLED) { () throws(HALError) in try devices.statusLED.set(active: false) }
        attempt(.faultLED) { () throws(HALError) in try devices.faultLED.set(active: true) }
        return failures
    }

    /// One control period. `nowNs` is the tick's time, read once by the caller.
    /// `progressNs` is the real time of the wake-up, for the watchdog feeder (it differs
    /// from `nowNs` only when the simulated pen runs on tick time).
    public func tick(nowNs: UInt64, progressNs: UInt64? = nil) {
        let startedNs = SystemClockReading.now()
        let readings = readInputs(nowNs: nowNs)
        let (command, trippedOnDepth) = supervisor.withLock { s in
            let before = s.faults
            let command = s.tick(readings)
            return (command, !before.contains(.depthLimit) && s.faults.contains(.depthLimit))
        }
        writeOutputs(command)
        if trippedOnDepth, !command.motorEnable {
            // From the read of the bad sample (the tick's start) to the enable line written low.
            metrics.recordTrip(latencyNs: SystemClockReading.now() &- startedNs)
        }
        // The cartridge's EEPROM after the outputs: its transfer (~100 µs on a real bus
        // while an identity is read or the used marker written) never delays a trip.
        if let status = cartridge?.step(after: command, nowNs: nowNs, present: readings.cartridgePresent) {
            cartridgeStatus = status
        }
        metrics.recordTickCost(SystemClockReading.now() &- startedNs)
        metrics.lastTickNs.store(progressNs ?? nowNs, ordering: .releasing)
    }

    private func readInputs(nowNs: UInt64) -> Readings {
        let depth: DepthInput
        do {
            let reading = try devices.depthSensor.read()
            depth = .reading(rawAngle: reading.rawAngle, magnetGood: reading.magnet.isGood)
        } catch {
            depth = .readError
        }
        var readings = Readings(nowNs: nowNs, depth: depth)
        // An input that cannot be read reads as its unsafe state: doubt stops the motor.
        readings.estop = (try? devices.estop.read()) ?? true
        readings.driverFault = ((try? devices.driverFault.read()) ?? true) || outputWriteFailed
        readings.cartridgePresent = (try? devices.cartridgePresent.read()) ?? false
        readings.cartridge = cartridgeStatus
        readings.outputsWritten = !outputWriteFailed
        if let tach = try? devices.tach.drainActivations() {
            readings.strokes = tach.count
            readings.lastStrokeNs = tach.lastNs ?? 0
        }
        // The supervisor debounces level and edges into presses; unreadable reads released.
        readings.triggerEdges = (try? devices.trigger.drainActivations().count) ?? 0
        readings.triggerHeld = (try? devices.trigger.read()) ?? false
        return readings
    }

    /// Writes the outputs in the order that keeps the motor safe: when stopping, the enable
    /// goes low first (that is the trip); when starting, the PWM is set before the enable.
    private func writeOutputs(_ command: OutputCommand) {
        var failed = false
        let pwm = command.motorEnable
            ? PWMState.duty(command.motorDuty, periodNs: pwmPeriodNs) : PWMState.off
        if !command.motorEnable {
            failed = write(devices.motorEnable, command.motorEnable, was: lastOutput.motorEnable) || failed
        }
        var pwmFailed = false
        if pwm != lastPWM {
            do { try devices.motorPWM.apply(pwm); lastPWM = pwm } catch { pwmFailed = true }
        }
        failed = failed || pwmFailed
        if command.motorEnable {
            // A PWM that could not be set leaves the drive unknown (a full duty, perhaps, or
            // a stale one): the enable is not raised in that tick, and a running motor's goes
            // low. The failure latches driver_fault on the next tick and stops the heartbeat.
            failed = write(devices.motorEnable, !pwmFailed, was: lastOutput.motorEnable) || failed
        }
        failed = write(devices.statusLED, command.statusLED, was: lastOutput.statusLED) || failed
        failed = write(devices.faultLED, command.faultLED || failed, was: lastOutput.faultLED) || failed
        // A pen whose outputs cannot be trusted must let the hardware watchdog cut the motor:
        // the heartbeat stops toggling while any write fails.
        if !failed {
            failed = write(devices.heartbeat, command.heartbeat, was: lastOutput.heartbeat) || failed
        }
        outputWriteFailed = failed
        if !failed { lastOutput = command }
    }

    /// Writes one line when its level changes (the enable is rewritten every tick it is
    /// off, so a line that failed once is retried); returns true when the write failed.
    private func write(_ line: any DigitalOutput, _ level: Bool, was: Bool) -> Bool {
        guard level != was || line === devices.motorEnable || outputWriteFailed else { return false }
        do {
            try line.set(active: level)
            return false
        } catch {
            return true
        }
    }

    // MARK: - Commands and status, from the socket threads

    public func command(_ command: SupervisorCommand, nowNs: UInt64) -> Result<CommandOutcome, Refusal> {
        supervisor.withLock { $0.handle(command, nowNs: nowNs) }
    }

    public func status() -> SupervisorStatus {
        supervisor.withLock { $0.status() }
    }

    /// The area presets the supervisor resolves plans with.
    public var areaPresets: AreaPresetTable { supervisor.withLock { $0.config.areaPresets } }

    /// The supervisor's configuration (for the loop thread's start-up trip exercise).
    public var configuration: SafetyConfig { supervisor.withLock { $0.config } }

    /// The supervisor's depth tolerance in mm.
    public var toleranceMM: Double { supervisor.withLock { $0.config.toleranceMM } }

    /// Tightens (or restores up to the design's 0.05 mm) the depth tolerance live; false
    /// and no change for anything outside (0, 0.05].
    public func setTolerance(_ mm: Double) -> Bool {
        supervisor.withLock { $0.setTolerance(mm) }
    }
}

/// The clock read used for latency measurement inside a tick (the tick's own `nowNs` may be
/// virtual in tests; latency is always real time).
enum SystemClockReading {
    static let clock = SystemMonotonicClock()
    static func now() -> UInt64 { clock.nowNanoseconds() }
}
