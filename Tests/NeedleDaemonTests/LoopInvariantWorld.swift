import NeedleCore
import NeedleDaemon
import NeedleHAL
import NeedleSim
import Synchronization

/// The real `ControlLoop` on the simulated pen, configured as needled configures it (the
/// cartridge's identity and a passed self-test required), driven tick by tick in virtual
/// time through one `LoopCase`, with the oracle judging every tick and every command.
final class LoopInvariantWorld {
    let harness: SimLoopHarness
    let depth: RecordingDepthSensor
    let tach: RecordingInput
    /// AIN1 behind a PWM that can be told to fail (`LoopEvent.pwmFails`).
    let pwm = FailingPWM()
    /// The GPIO output lines, each behind a wrapper that can be told to fail (`LoopEvent.outputFails`).
    let lines = Dictionary(uniqueKeysWithValues: OutputLine.allCases.map { ($0, CountingFailingOutput()) })
    var oracle: LoopOracle
    /// Ticks with MOTOR_EN high, and in the self-test (to see that a case reached them).
    private(set) var enabledTicks = 0
    private(set) var spinTicks = 0
    /// Calibrations put in use by `calibrate span` (to see that a budget reached them).
    private(set) var calibrations = 0
    /// Ticks in which a GPIO line's write failed, and those with MOTOR_EN held high by it.
    private(set) var failedLineTicks = 0
    private(set) var stuckEnableTicks = 0
    private var releaseTick: (tick: Int, bounces: Int)?
    private var serial = 1

    var pen: SimulatedPen { harness.pen }
    var loop: ControlLoop { harness.loop }

    init(_ testCase: LoopCase) {
        var parameters = SimParameters()
        parameters.seed = testCase.seed
        parameters.noiseCounts = testCase.noiseCounts
        parameters.initialDepthMM = testCase.initialDepthMM
        var config = SafetyConfig(calibration: DaemonDefaults.calibration(of: SimulatedPen.calibration))
        config.calibrated = testCase.calibrated
        config.selfTestRequired = true
        let depth = RecordingDepthSensor()
        let tach = RecordingInput()
        self.depth = depth
        self.tach = tach
        let pwm = pwm
        let lines = lines
        harness = SimLoopHarness(parameters: parameters, config: config, wrap: { devices in
            var devices = devices
            pwm.inner = devices.motorPWM
            devices.motorPWM = pwm
            let paths: [OutputLine: WritableKeyPath<PenDevices, any DigitalOutput>] = [
                .motorEnable: \.motorEnable, .heartbeat: \.heartbeat, .statusLED: \.statusLED, .faultLED: \.faultLED,
            ]
            for (line, path) in paths {
                lines[line]?.inner = devices[keyPath: path]
                if let wrapper = lines[line] { devices[keyPath: path] = wrapper }
            }
            depth.inner = devices.depthSensor
            tach.inner = devices.tach
            devices.depthSensor = depth
            devices.tach = tach
            return devices
        })
        oracle = LoopOracle(
            calibration: config.calibration, calibrated: testCase.calibrated, startNs: harness.clock.nowNanoseconds())
    }

    /// Every tick of `testCase` that broke an invariant, with what broke (a case goes on
    /// after a failure, so one run shows every kind it hits).
    static func failures(_ testCase: LoopCase) -> [(tick: Int, message: String)] {
        let world = LoopInvariantWorld(testCase)
        return world.run(testCase)
    }

    func run(_ testCase: LoopCase) -> [(tick: Int, message: String)] {
        var found: [(tick: Int, message: String)] = []
        var next = 0
        for tick in 0..<testCase.ticks {
            let start = next
            while next < testCase.events.count, testCase.events[next].tick == tick { next += 1 }
            for message in step(tick: tick, events: testCase.events[start..<next]) { found.append((tick, message)) }
        }
        return found
    }

    /// One tick: the commands (judged on the world the last tick read), the world's changes,
    /// the time up to the tick (with the trigger's bouncing edges inside it), the tick, and
    /// the oracle's judgement. Returns what broke.
    func step(tick: Int, events: ArraySlice<TimedEvent>, forge: ((inout TickObservation) -> Void)? = nil) -> [String] {
        var broken: [String] = []
        for case .command(let command) in events.map(\.event) {
            if let failure = send(command) { broken.append(failure) }
        }
        var dtNs = harness.periodNs
        var edges: [Bool] = []
        if let release = releaseTick, release.tick == tick {
            edges = [false] + Array(repeating: [true, false], count: release.bounces).flatMap { $0 }
            releaseTick = nil
        }
        for event in events.map(\.event) {
            switch event {
            case .command: break
            case .collar(let target, let speed):
                pen.setCollarSpeed(mmPerSecond: speed)
                pen.setDepth(mm: target)
            case .load(let load): pen.setLoad(load)
            case .inject(let fault): pen.inject(fault)
            case .clear(let fault): pen.clear(fault)
            case .seat(let kind): seat(kind)
            case .glitch(let raw): pen.glitch(rawAngle: raw)
            case .disturbance(let p): pen.setBusDisturbance(probability: p)
            case .trigger(let bounces, let hold):
                edges += [true] + Array(repeating: [false, true], count: bounces).flatMap { $0 }
                releaseTick = (tick + hold, bounces)
            case .gap(let ns): dtNs = ns
            case .pwmFails(let fails): pwm.fail = fails
            case .outputFails(let line, let fails): lines[line]?.fail = fails
            }
        }
        // Bounces 100 µs apart, inside the tick's period.
        let edgeStepNs: UInt64 = 100_000
        for level in edges.prefix(Int(dtNs / edgeStepNs) - 1) {
            harness.clock.advance(nanoseconds: edgeStepNs)
            level ? pen.pressTrigger() : pen.releaseTrigger()
        }
        harness.clock.advance(nanoseconds: dtNs - edgeStepNs * UInt64(min(edges.count, Int(dtNs / edgeStepNs) - 1)))

        let faultsBefore = loop.status().faults
        let pwmFailuresBefore = pwm.failures.load(ordering: .relaxed)
        let lineFailuresBefore = lines.mapValues { $0.failures.load(ordering: .relaxed) }
        depth.forget()
        let nowNs = harness.clock.nowNanoseconds()
        loop.tick(nowNs: nowNs)
        let snapshot = pen.snapshot()
        let status = loop.status()
        var observation = TickObservation(
            nowNs: nowNs, dtNs: dtNs, sample: depth.last, lastStrokeNs: tach.lastActivationNs,
            enable: snapshot.motorEnable, pwm: snapshot.pwm, heartbeat: snapshot.heartbeat,
            powerCut: snapshot.watchdogCut, faultLED: snapshot.faultLED, state: status.state, mode: status.mode,
            faults: status.faults, faultsBeforeTick: faultsBefore,
            writeFailed: pwm.failures.load(ordering: .relaxed) != pwmFailuresBefore,
            failedLines: Set(lines.compactMap { line, output in
                output.failures.load(ordering: .relaxed) != lineFailuresBefore[line] ? line : nil
            }))
        forge?(&observation)
        if !observation.failedLines.isEmpty { failedLineTicks += 1 }
        if observation.enableStuck { stuckEnableTicks += 1 }
        if observation.enable { enabledTicks += 1 }
        if observation.enable, status.state == .selfTest { spinTicks += 1 }
        if let failure = oracle.observe(observation) { broken.append(failure) }
        return broken
    }

    /// Sends one command through the loop, as the router does, and judges it.
    private func send(_ command: LoopCommand) -> String? {
        let supervisorCommand: SupervisorCommand
        switch command {
        case .calibrateZero: supervisorCommand = .calibrateZero
        case .calibrateSpan(let depthMM):
            // The router's order: only an idle or faulted pen computes a span, and the
            // calibration it gives is put in use at once (the store is the router's business).
            let state = loop.status().state
            guard state == .idle || state == .fault else { return nil }
            if let failure = judge(command, .calibrateSpan(depthMM: depthMM)) { return failure }
            guard let candidate = loop.status().calibrationCandidate else { return nil }
            return judge(command, .setCalibration(candidate))
        case .arm(let target, let speed, let duration):
            supervisorCommand = .arm(Plan(targetDepthMM: target, speedLevel: speed, durationS: duration))
        case .armAtCollar(let speed, let duration):
            let target = (pen.snapshot().collarDepthMM * 100).rounded() / 100
            supervisorCommand = .arm(Plan(targetDepthMM: target, speedLevel: speed, durationS: duration))
        case .start: supervisorCommand = .start
        case .stop: supervisorCommand = .stop
        case .disarm: supervisorCommand = .disarm
        case .clear: supervisorCommand = .clear
        case .selfTest(let motor): supervisorCommand = .selfTest(includeMotor: motor)
        case .mode(let mode, let authorized): supervisorCommand = .setMode(mode, authorized: authorized)
        }
        return judge(command, supervisorCommand)
    }

    /// Hands one supervisor command to the loop and lets the oracle judge what it did.
    private func judge(_ command: LoopCommand, _ supervisorCommand: SupervisorCommand) -> String? {
        let before = loop.status()
        let faults = pen.snapshot().faults
        let truth = InterlockTruth(
            estop: faults.contains(.estop), driverFault: faults.contains(.driverFault),
            cartridgeRemoved: faults.contains(.cartridgeRemoved))
        let result = harness.command(supervisorCommand)
        let accepted = if case .success = result { true } else { false }
        if accepted, case .setCalibration(let calibration) = supervisorCommand {
            oracle.recalibrated(calibration)
            calibrations += 1
        }
        return oracle.command(
            command, accepted: accepted, before: before.faults, after: loop.status().faults, mode: before.mode,
            truth: truth)
    }

    private func seat(_ kind: SeatedCartridge) {
        serial += 1
        switch kind {
        case .same: pen.clear(.cartridgeRemoved)
        case .fresh: pen.insertCartridge(serial: "SIMINV\(serial)", lot: "INVLOT", needles: 36)
        case .used: pen.insertCartridge(serial: "SIMINV\(serial)", lot: "INVLOT", needles: 36, used: true)
        case .blank: pen.insertBlankCartridge()
        case .noEEPROM: pen.insertCartridgeWithoutEEPROM()
        }
    }
}

/// A GPIO output that can be told to fail, counting its failed writes: a failed write leaves
/// the line at its level, as a GPIO whose request or bus failed does.
final class CountingFailingOutput: DigitalOutput, @unchecked Sendable {
    var inner: (any DigitalOutput)?
    var fail = false
    let failures = Atomic<Int>(0)
    func set(active: Bool) throws(HALError) {
        if fail {
            failures.add(1, ordering: .relaxed)
            throw HALError(.bus, device: "test output")
        }
        try inner?.set(active: active)
    }
}
