import NeedleCore
import NeedleDaemon
import NeedleDrivers
import NeedleHAL
import NeedleSim

/// The real control loop on the simulated pen, both on one virtual clock: every tick
/// advances time by one period and runs the loop's full read–decide–write path.
struct SimLoopHarness {
    let clock = VirtualClock(nanoseconds: 1_000_000_000)
    let pen: SimulatedPen
    let loop: ControlLoop
    let periodNs: UInt64 = 1_000_000

    /// - Parameter config: the supervisor's (nil: the simulated pen's factory calibration);
    ///   the cartridge's identity is required either way.
    init(
        parameters: SimParameters = SimParameters(), config: SafetyConfig? = nil,
        wrap: (PenDevices) -> PenDevices = { $0 }
    ) {
        pen = SimulatedPen(clock: clock, parameters: parameters)
        let devices = wrap(pen.makeDevices(depthSensor: AS5600(bus: pen.i2cBus)))
        // As the daemon builds it: the cartridge's identity is read and required.
        var config = config ?? SafetyConfig(calibration: DaemonDefaults.calibration(of: SimulatedPen.calibration))
        config.cartridgeIdentityRequired = true
        loop = ControlLoop(
            devices: devices, config: config, startNs: clock.nowNanoseconds(),
            cartridge: CartridgeEEPROM(bus: pen.i2cBus))
        loop.forceSafe()
    }

    /// A harness whose output at `line` goes through `failing`, which the test can make fail.
    init(failing: FailingOutput, at line: WritableKeyPath<PenDevices, any DigitalOutput>) {
        self.init(wrap: { devices in
            var devices = devices
            failing.inner = devices[keyPath: line]
            devices[keyPath: line] = failing
            return devices
        })
    }

    func tick(_ count: Int = 1) {
        for _ in 0..<count {
            clock.advance(nanoseconds: periodNs)
            loop.tick(nowNs: clock.nowNanoseconds())
        }
    }

    /// Ticks until `condition` holds, at most `limit` ticks; returns whether it held.
    @discardableResult
    func tick(until condition: () -> Bool, limit: Int = 5000) -> Bool {
        for _ in 0..<limit {
            if condition() { return true }
            tick()
        }
        return condition()
    }

    /// Turns the collar to `depth` and waits until it is there and read a few times.
    func moveCollar(to depth: Double) {
        pen.setDepth(mm: depth)
        tick(until: { abs(pen.snapshot().collarDepthMM - depth) < 0.001 })
        tick(10)
    }

    func command(_ command: SupervisorCommand) -> Result<CommandOutcome, Refusal> {
        loop.command(command, nowNs: clock.nowNanoseconds())
    }

    /// Ticks until the loop has read the seated cartridge (~50 ms after power-up or a reseat),
    /// or gave up on it; at most 500 ticks (a pen with none seated waits them all).
    func waitForCartridge() {
        tick(until: {
            switch loop.status().cartridge {
            case .identified, .unreadable: true
            case .unknown, .absent, .reading: false
            }
        }, limit: 500)
    }

    /// Runs the self-test to its end (at most 2 s) and returns its result.
    func runSelfTest() -> SelfTestResult {
        _ = command(.selfTest(includeMotor: true))
        tick(until: {
            if case .running = loop.status().selfTest { false } else { true }
        }, limit: 2000)
        return loop.status().selfTest
    }

    /// Turns the collar to `depth`, waits for it, arms and starts; returns the start result.
    func startTreatment(depth: Double, speed: Int = 5, mode: Mode = .home) -> Result<CommandOutcome, Refusal> {
        if mode != loop.status().mode { _ = command(.setMode(mode, authorized: true)) }
        moveCollar(to: depth)
        waitForCartridge()
        if case .failure(let refusal) = command(.arm(Plan(targetDepthMM: depth, speedLevel: speed))) {
            return .failure(refusal)
        }
        let result = command(.start)
        tick()
        return result
    }
}

extension CalibrationStore {
    /// A store for routers whose tests never calibrate: its directory does not exist, so a
    /// save could only fail (and never touches the machine's /var/lib/needled).
    static let nowhere = CalibrationStore(path: "/nonexistent/needled-tests/calibration")
}
