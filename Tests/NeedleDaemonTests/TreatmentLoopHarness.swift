import NeedleCore
import NeedleDaemon
import NeedleDrivers
import NeedleHAL
import NeedleSim

/// The control loop as it will be once the treatment layers are wired in: ControlLoop's
/// read–decide–write path plus the two `CartridgeChannel` calls and `outputsWritten`, on
/// the simulated pen and a virtual clock. (ControlLoop itself is not changed by this
/// branch; this harness is the reference for that integration.)
final class TreatmentLoopHarness {
    let clock = VirtualClock(nanoseconds: 1_000_000_000)
    let pen: SimulatedPen
    let sensor: AS5600
    var supervisor: SafetySupervisor
    var cartridge: CartridgeChannel
    let periodNs: UInt64 = 1_000_000
    /// Simulates a heartbeat line that cannot be written.
    var heartbeatBroken = false
    private var outputsWritten = true
    private(set) var last = OutputCommand.safe

    init(parameters: SimParameters = SimParameters(), config: SafetyConfig? = nil) {
        pen = SimulatedPen(clock: clock, parameters: parameters)
        sensor = AS5600(bus: pen.i2cBus)
        var base = config ?? SafetyConfig(calibration: DaemonDefaults.calibration(of: SimulatedPen.calibration))
        base.cartridgeIdentityRequired = true
        supervisor = SafetySupervisor(config: base, startNs: clock.nowNanoseconds())
        cartridge = CartridgeChannel(eeprom: CartridgeEEPROM(bus: pen.i2cBus))
    }

    func tick(_ count: Int = 1) {
        for _ in 0..<count {
            clock.advance(nanoseconds: periodNs)
            let now = clock.nowNanoseconds()
            var readings: Readings
            do {
                let reading = try sensor.read()
                readings = Readings(nowNs: now, depth: .reading(rawAngle: reading.rawAngle, magnetGood: reading.magnet.isGood))
            } catch {
                readings = Readings(nowNs: now, depth: .readError)
            }
            readings.estop = (try? pen.estop.read()) ?? true
            readings.driverFault = (try? pen.driverFault.read()) ?? true
            readings.cartridgePresent = (try? pen.cartridgePresent.read()) ?? false
            if let tach = try? pen.tach.drainActivations() {
                readings.strokes = tach.count
                readings.lastStrokeNs = tach.lastNs ?? 0
            }
            readings.cartridge = cartridge.poll(nowNs: now, present: readings.cartridgePresent)
            readings.outputsWritten = outputsWritten
            let command = supervisor.tick(readings)
            write(command)
            cartridge.apply(command)
            last = command
        }
    }

    private func write(_ command: OutputCommand) {
        do {
            if !command.motorEnable { try pen.motorEnable.set(active: false) }
            try pen.motorPWM.apply(command.motorEnable ? .duty(command.motorDuty, periodNs: 50_000) : .off)
            if command.motorEnable { try pen.motorEnable.set(active: true) }
            if heartbeatBroken {
                outputsWritten = false
            } else {
                try pen.heartbeat.set(active: command.heartbeat)
                outputsWritten = true
            }
        } catch {
            outputsWritten = false
        }
    }

    func command(_ command: SupervisorCommand) -> Result<CommandOutcome, Refusal> {
        supervisor.handle(command, nowNs: clock.nowNanoseconds())
    }

    /// Runs the self-test to its end (at most 2 s) and returns its result.
    func runSelfTest() -> SelfTestResult {
        _ = command(.selfTest)
        for _ in 0..<2000 {
            if case .running = supervisor.status().selfTest { tick() } else { break }
        }
        return supervisor.status().selfTest
    }
}
