/// The safety supervisor: pure, clock-free, I/O-free. Each control tick hands it the
/// readings and their timestamp and applies the output command it returns; operator
/// commands go through `handle`. Every safety rule of DESIGN.md §3 that the core owns
/// lives here or in the small types it uses, and is unit-tested with a virtual clock.
///
/// `tick` must not allocate: it only touches value types of fixed size.
public struct SafetySupervisor: Sendable {
    public private(set) var config: SafetyConfig
    public private(set) var state: SupervisorState = .idle
    public private(set) var mode: Mode = .home
    public private(set) var plan: Plan?
    public private(set) var faults = FaultSet()
    public private(set) var lastStopReason: StopReason?

    private var depth: DepthTracker
    private var meter = StrokeRateMeter()
    private var speed = SpeedController()
    private var nowNs: UInt64
    private var heartbeat = false
    private var duty = 0.0
    private var runStartNs: UInt64 = 0
    /// Motor-on time spent on the current plan, for its duration.
    private var elapsedBeforeRunNs: UInt64 = 0
    private var strokesAtArm = 0
    private var interlocks = Interlocks()
    /// The cartridge as the loop last reported it.
    private var cartridge = CartridgeStatus.unknown
    /// The serial of the cartridge the open session started on: its used marker is ours, so
    /// the session may start again after a stop; the claim ends with the session.
    private var claimedSerial: CartridgeTag?
    /// What the records said about the cartridge when the armed plan was armed.
    private var armedCartridgeRecord: CartridgeRecordEvidence?
    /// Asking the loop to write the used marker (see `OutputCommand.markCartridgeUsed`).
    private var markPending = false
    /// Consecutive good raw reads (transfer worked, magnet good, no glitch value) within
    /// `captureSpreadCounts` of each other, their range and their sum: the calibration
    /// captures their mean, since depth in mm is what it is about to define.
    private var rawGoodRun = 0
    private var rawRunSum = 0
    private var rawRunRange: ClosedRange<UInt16> = 0...0
    private var pendingZero: UInt16?
    private var calibrationCandidate: DepthCalibration?
    private var selfTest = SelfTestSequencer(startNs: 0, includeMotor: false)
    private var selfTestResult = SelfTestResult.notRun
    private var selfTestMotor = SelfTestMotorCheck.notRun
    private var selfTestSpinning = false
    /// The self-test's spin found a trusted depth inside the window and may drive the motor.
    private var spinCleared = false
    /// The previous tick's output drove the motor (for the runaway watch).
    private var drivenLastTick = false
    private var runawayWatch: RunawayWatch
    private var trigger: TriggerDebouncer
    /// The current treatment session, or the last one once it closed (for the record).
    private var session: SessionTally?
    /// The one closed before `session` opened: a reader that looks less often than
    /// sessions change (the recorder, every 100 ms) still sees how it ended.
    private var previousSession: SessionTally?
    private var sessionsOpened: UInt64 = 0

    /// Input states of the last tick, to tell whether a fault's cause is still there.
    private struct Interlocks: Sendable {
        var estop = false
        var driverFault = false
        var cartridgePresent = true
    }

    /// A calibration that fails `CalibrationMath.problem(with:)` is not used: the pen starts
    /// uncalibrated (refusing to arm) rather than read depths on it. The daemon refuses such a
    /// calibration before it gets here, naming its source; this is the core's own guard.
    public init(config: SafetyConfig, startNs: UInt64) {
        var config = config
        if config.calibrated, CalibrationMath.problem(with: config.calibration) != nil { config.calibrated = false }
        self.config = config
        self.nowNs = startNs
        self.depth = DepthTracker(startNs: startNs)
        self.runawayWatch = RunawayWatch(startNs: startNs)
        self.trigger = TriggerDebouncer(startNs: startNs)
    }

    /// Changes the depth tolerance while running (a configuration reload). Only a finite
    /// value in (0, `SafetyConfig.maxToleranceMM`] is taken, so the pen can only become
    /// stricter than the design; anything else changes nothing and returns false. A running
    /// motor whose depth is outside the new tolerance stops on the next tick.
    public mutating func setTolerance(_ mm: Double) -> Bool {
        guard mm.isFinite, mm > 0, mm <= SafetyConfig.maxToleranceMM else { return false }
        config.toleranceMM = mm
        return true
    }

    // MARK: - The tick

    public mutating func tick(_ readings: Readings) -> OutputCommand {
        // Time never runs backwards for the supervisor: a command handled between the loop's
        // clock read and this tick has already moved it on.
        nowNs = max(nowNs, readings.nowNs)
        heartbeat.toggle()
        // Whether the motor turns under this tick's supervision: a run, or the self-test's spin.
        let turning = state == .running || (state == .selfTest && selfTestSpinning)

        // Rule 1 before anything else: a sample beyond the mode's limit while the motor
        // turns stops it in this tick, whether or not the sample is otherwise plausible.
        if turning, config.calibrated, case .reading(let raw, _) = readings.depth {
            let mm = config.calibration.depthMM(rawAngle: raw)
            if mode.window.isBeyondLimit(mm) {
                // The record shows the sample that tripped the session.
                if mm.isFinite, session?.isOpen == true { session?.addDepth(mm) }
                latch(.depthLimit)
            }
        }

        noteCaptureRaw(readings.depth)
        // Without a calibration no depth means anything: the tracker is not fed (and the
        // motor cannot be armed), so the sensor rules start with the calibration.
        var verdict = DepthTracker.Verdict.invalid
        if config.calibrated {
            let outcome = depth.accept(readings.depth, nowNs: nowNs, config: config)
            verdict = outcome.verdict
            if outcome.failed { latch(.sensorFault) }
            // A loop away longer than the heartbeat monostable's period while the motor
            // turned: the hardware has cut motor power, and would restore it at the next
            // heartbeat, so the supervisor latches and nothing restarts by itself. A shorter
            // gap keeps power on; the sample after it is judged in full (the limit above,
            // then the sensor and the tolerance), with no trust carried across the gap.
            if turning, outcome.loopGapNs > config.loopGapLatchNs { latch(.sensorFault) }
        }
        let unchangedNs = depth.noteRaw(readings.depth, nowNs: nowNs)
        if turning, min(unchangedNs, nowNs.nanoseconds(since: runStartNs)) >= config.stuckTimeoutNs {
            latch(.sensorFault)
        }

        interlocks = Interlocks(
            estop: readings.estop, driverFault: readings.driverFault,
            cartridgePresent: readings.cartridgePresent)
        if readings.estop { latch(.estop) }
        if readings.driverFault { latch(.driverFault) }
        if !readings.cartridgePresent, state == .armed || state == .running || state == .selfTest {
            latch(.cartridgeRemoved)
        }
        noteCartridge(readings)
        noteTach(readings)

        if state == .running { superviseRun(verdict) }
        if state == .selfTest { superviseSelfTest(readings) }
        if trigger.update(
            pressed: readings.triggerHeld, edges: readings.triggerEdges, nowNs: nowNs,
            debounceNs: config.triggerDebounceNs) {
            pressTrigger()
        }

        let spinning = state == .selfTest && selfTest.spin && spinCleared
        if state == .running, let plan {
            duty = speed.duty(
                targetHz: Plan.strokeRateHz(level: plan.speedLevel),
                measuredHz: meter.rateHz(nowNs: nowNs), nowNs: nowNs, config: config)
        } else if spinning {
            if !selfTestSpinning {
                speed.begin(nowNs: nowNs)
                runStartNs = nowNs
            }
            duty = speed.duty(
                targetHz: Plan.strokeRateHz(level: Plan.speedLevels.lowerBound),
                measuredHz: meter.rateHz(nowNs: nowNs), nowNs: nowNs, config: config)
        } else {
            duty = 0
        }
        selfTestSpinning = spinning
        let enable = state == .running || spinning
        drivenLastTick = enable
        // A runaway motor is no longer under software's control: the heartbeat stops, so
        // the hardware monostable cuts motor power until the fault is cleared.
        if faults.contains(.runaway) { heartbeat = false }
        return OutputCommand(
            motorEnable: enable, motorDuty: duty, heartbeat: heartbeat,
            statusLED: state == .armed || state == .running || state == .selfTest, faultLED: !faults.isEmpty,
            markCartridgeUsed: markPending)
    }

    /// The tach's strokes of this tick: rate, session count, and the runaway watch. A batch
    /// stamped in the future is invalid: it would read as a stroke "just now" and hide a
    /// stall, so only its count is used (to catch a runaway), never its time.
    private mutating func noteTach(_ readings: Readings) {
        let stampValid = readings.lastStrokeNs <= readings.nowNs &+ config.tachFutureSlackNs
        if stampValid {
            meter.update(strokes: readings.strokes, lastStrokeNs: readings.lastStrokeNs)
        }
        if session?.isOpen == true { session?.strokes += readings.strokes }
        let runaway = runawayWatch.note(
            strokes: readings.strokes, lastStrokeNs: stampValid ? readings.lastStrokeNs : nil,
            driven: drivenLastTick, nowNs: nowNs, config: config)
        if runaway || RunawayWatch.overspeed(rateHz: meter.rateHz(nowNs: nowNs), config: config) {
            latch(.runaway)
        }
    }

    /// Feeds the self-test. Its spin obeys a run's rules (the tick applies the depth limit,
    /// the sensor, stuck-sensor, interlock and runaway checks to it), and it begins only on
    /// a trusted depth inside the mode's window: no valid in-window depth, no spin.
    private mutating func superviseSelfTest(_ readings: Readings) {
        selfTest.step(SelfTestSequencer.Input(
            nowNs: nowNs, depth: readings.depth, cartridge: readings.cartridge,
            cartridgeIdentityRequired: config.cartridgeIdentityRequired, strokes: readings.strokes,
            outputsWritten: readings.outputsWritten && !readings.driverFault,
            mmPerCount: config.calibration.mmPerCount))
        // The spin waits for a trusted depth inside the window (after a gap the trust takes
        // 3 samples to return); one that never comes fails the motor step at its timeout,
        // with the motor never driven.
        if selfTest.spin, !spinCleared {
            let trusted = config.calibrated ? depth.trustedDepth(nowNs: nowNs, config: config) : nil
            spinCleared = trusted.map { !mode.window.isBeyondLimit($0) } ?? false
        }
        selfTestResult = selfTest.result
        if selfTest.includesMotor { selfTestMotor = selfTest.motorCheck }
        switch selfTest.result {
        case .passed: state = .idle
        case .failed: latch(.selftestFailed)
        case .running, .notRun: break
        }
    }

    /// Follows the cartridge the loop reports: a cartridge leaving the pen ends its claim;
    /// a marker the reader reports as written ends the request to write it.
    private mutating func noteCartridge(_ readings: Readings) {
        cartridge = readings.cartridge
        if !readings.cartridgePresent || cartridge == .absent {
            claimedSerial = nil
            markPending = false
        }
        // The seated cartridge reads as used: the marker asked for is written.
        if case .identified(let info) = cartridge, info.used { markPending = false }
    }

    /// The checks that apply only while the motor runs, in order of severity.
    private mutating func superviseRun(_ verdict: DepthTracker.Verdict) {
        guard let plan else { return stopRun(.stopped, next: .idle) }
        // (A sample beyond the limit has already tripped at the top of the tick.)
        if case .valid(let mm) = verdict { session?.addDepth(mm) }
        if let mm = depth.freshDepth(nowNs: nowNs, config: config),
           abs(mm - plan.targetDepthMM) > config.toleranceMM + 1e-9 {
            return stopRun(.depthMismatch, next: .armed)
        }
        let lastSign = max(meter.lastStrokeNs, runStartNs)
        if nowNs.nanoseconds(since: lastSign) > config.stallTimeoutNs {
            return latch(.stall)
        }
        if cartridge == .unreadable {
            return stopRun(.cartridgeUnreadable, next: .armed)
        }
        if let durationS = plan.durationS, Double(elapsedNs()) / 1e9 >= durationS {
            return stopRun(.completed, next: .idle)
        }
    }

    private mutating func pressTrigger() {
        switch state {
        case .armed: _ = handle(.start, nowNs: nowNs)
        case .running: stopRun(.stopped, next: .armed)
        case .idle, .fault, .selfTest: break
        }
    }

    private mutating func latch(_ fault: Fault) {
        faults.insert(fault)
        if state == .selfTest {
            // Any fault during the self-test fails it at the step it was on.
            selfTest.fail()
            selfTestResult = selfTest.result
            if selfTest.includesMotor { selfTestMotor = selfTest.motorCheck }
            faults.insert(.selftestFailed)
        }
        if state == .running { stopRun(.fault, next: .fault) }
        closeSession(.fault(fault))
        state = .fault
    }

    private mutating func stopRun(_ reason: StopReason, next: SupervisorState) {
        if state == .running { elapsedBeforeRunNs += nowNs.nanoseconds(since: runStartNs) }
        lastStopReason = reason
        state = next
        if reason == .completed { closeSession(.completed) }
        if next == .idle { plan = nil }
    }

    // MARK: - Sessions

    /// The first start on a plan opens its session; later starts (after a stop or a depth
    /// mismatch) continue it.
    private mutating func openSession(_ plan: Plan) {
        if session?.isOpen == true { return }
        sessionsOpened += 1
        var info: CartridgeInfo?
        if case .identified(let identified) = cartridge { info = identified }
        previousSession = session
        session = SessionTally(sequence: sessionsOpened, plan: plan, mode: mode, cartridge: info, openedNs: nowNs)
    }

    private mutating func closeSession(_ end: SessionEnd) {
        guard var closing = session, closing.isOpen else { return }
        closing.motorOnNs = elapsedNs()
        closing.end = end
        closing.closedNs = nowNs
        session = closing
        // One cartridge, one session: the next session needs a new one.
        claimedSerial = nil
    }

    private func elapsedNs() -> UInt64 {
        elapsedBeforeRunNs + (state == .running ? nowNs.nanoseconds(since: runStartNs) : 0)
    }

    // MARK: - Commands

    /// Carries out an operator command, or refuses it and changes nothing.
    public mutating func handle(_ command: SupervisorCommand, nowNs commandNs: UInt64) -> Result<CommandOutcome, Refusal> {
        // Commands arrive between ticks; time never runs backwards for the supervisor.
        nowNs = max(nowNs, commandNs)
        switch command {
        case .selfTest(let includeMotor): return beginSelfTest(includeMotor: includeMotor)
        case .arm(let newPlan): return arm(PlanRequest(newPlan), clinician: false)
        case .armRequest(let request, let clinician): return arm(request, clinician: clinician)
        case .disarm:
            abortSelfTest()
            if state == .running { stopRun(.stopped, next: .armed) }
            closeSession(.stopped)
            if state == .armed { state = .idle }
            plan = nil
            return .success(.done)
        case .start: return start()
        case .stop:
            abortSelfTest()
            if state == .running { stopRun(.stopped, next: .armed) }
            return .success(.done)
        case .setMode(let newMode, let authorized): return setMode(newMode, authorized: authorized)
        case .clear: return clear()
        case .calibrateZero: return calibrateZero()
        case .calibrateSpan(let depthMM): return calibrateSpan(depthMM: depthMM)
        case .setCalibration(let calibration): return setCalibration(calibration)
        }
    }

    private mutating func arm(_ request: PlanRequest, clinician: Bool) -> Result<CommandOutcome, Refusal> {
        if state == .running { return .failure(Refusal(.busy, "the motor is running: stop before arming a new plan")) }
        if state == .selfTest { return .failure(Refusal(.busy, "the self-test is running")) }
        if state == .fault { return .failure(faultRefusal()) }
        if !config.calibrated { return .failure(notCalibrated()) }
        if config.selfTestRequired, selfTestResult != .passed { return .failure(selfTestRefusal()) }
        let newPlan: Plan
        switch request.resolve(presets: config.areaPresets, mode: mode, clinician: clinician) {
        case .success(let resolved): newPlan = resolved
        case .failure(let refusal): return .failure(refusal)
        }
        // Records read for another client than the plan's say nothing about this one.
        if let evidence = request.interval, evidence.client != newPlan.client {
            return .failure(Refusal(.invalidRequest, "the records were read for another client than the plan's"))
        }
        // Judged here, in the mode this plan is armed in (issue 9 §2.19).
        if let refusal = request.interval?.refusal(mode: mode, override: newPlan.override && clinician) {
            return .failure(refusal)
        }
        if let refusal = validate(newPlan) { return .failure(refusal) }
        if let refusal = request.cartridgeRecord?.armRefusal ?? request.cartridgeRecord?.refusal(for: cartridge, claimed: nil) {
            return .failure(refusal)
        }
        // A new plan ends the session of the one it replaces.
        closeSession(.stopped)
        plan = newPlan
        armedCartridgeRecord = request.cartridgeRecord
        state = .armed
        lastStopReason = nil
        elapsedBeforeRunNs = 0
        strokesAtArm = meter.totalStrokes
        return .success(.done)
    }

    private func validate(_ plan: Plan) -> Refusal? {
        guard Plan.speedLevels.contains(plan.speedLevel) else {
            return Refusal(.invalidRequest, "speed \(plan.speedLevel) is outside 1...10")
        }
        if let duration = plan.durationS, !(duration.isFinite && duration > 0 && duration <= Plan.maxDurationS) {
            return Refusal(.invalidRequest, "duration \(duration) s is outside (0, \(Int(Plan.maxDurationS))] s")
        }
        let window = mode.window
        guard window.acceptsTarget(plan.targetDepthMM) else {
            return Refusal(
                .depthOutOfRange,
                "target \(mm(plan.targetDepthMM)) is outside \(mode.rawValue) mode's "
                    + "\(mm(window.minTargetMM))–\(mm(window.maxTargetMM))")
        }
        return nil
    }

    private mutating func start() -> Result<CommandOutcome, Refusal> {
        switch state {
        case .running: return .success(.done)
        case .fault: return .failure(faultRefusal())
        case .idle: return .failure(Refusal(.notArmed, "arm a plan before starting"))
        case .selfTest: return .failure(Refusal(.busy, "the self-test is running"))
        case .armed: break
        }
        guard let plan else { return .failure(Refusal(.notArmed, "arm a plan before starting")) }
        if let refusal = validate(plan) { return .failure(refusal) }
        if interlocks.estop { return .failure(Refusal(.interlock, "the e-stop is open")) }
        if interlocks.driverFault { return .failure(Refusal(.interlock, "the motor driver reports a fault")) }
        if !interlocks.cartridgePresent { return .failure(Refusal(.interlock, "no cartridge is seated")) }
        if !config.calibrated { return .failure(notCalibrated()) }
        if let refusal = cartridgeRefusal() { return .failure(refusal) }
        if let refusal = armedCartridgeRecord?.refusal(for: cartridge, claimed: claimedSerial) { return .failure(refusal) }
        guard let measured = depth.trustedDepth(nowNs: nowNs, config: config) else {
            return .failure(Refusal(.sensorInvalid, "no trusted depth reading"))
        }
        if mode.window.isBeyondLimit(measured) {
            return .failure(Refusal(.depthOutOfRange, "measured \(mm(measured)) is beyond the \(mode.rawValue) limit \(mm(mode.window.limitMM))"))
        }
        if abs(measured - plan.targetDepthMM) > config.toleranceMM + 1e-9 {
            return .failure(Refusal(
                .depthMismatch,
                "measured \(mm(measured)) is not within ±\(mm(config.toleranceMM)) of the target \(mm(plan.targetDepthMM))"))
        }
        claimCartridge()
        openSession(plan)
        state = .running
        runStartNs = nowNs
        lastStopReason = nil
        speed.begin(nowNs: nowNs)
        return .success(.done)
    }

    private mutating func setMode(_ newMode: Mode, authorized: Bool) -> Result<CommandOutcome, Refusal> {
        guard authorized else {
            return .failure(Refusal(.unauthorized, "this user may not switch to \(newMode.rawValue) mode"))
        }
        if newMode == mode { return .success(.done) }
        guard state == .idle else {
            return .failure(Refusal(.busy, "the mode changes only while idle (now \(state.rawValue))"))
        }
        let old = mode
        mode = newMode
        return .success(.modeChanged(from: old, to: newMode))
    }

    private mutating func clear() -> Result<CommandOutcome, Refusal> {
        guard !faults.isEmpty else { return .success(.cleared([])) }
        let present = causesPresent()
        guard present.isEmpty else {
            return .failure(Refusal(.causePresent, "still present: \(present.codes.joined(separator: ", "))"))
        }
        let cleared = faults
        faults = []
        state = .idle
        plan = nil
        return .success(.cleared(cleared))
    }

    /// The latched faults whose cause can still be seen.
    private func causesPresent() -> FaultSet {
        var present = FaultSet()
        if faults.contains(.estop), interlocks.estop { present.insert(.estop) }
        if faults.contains(.driverFault), interlocks.driverFault { present.insert(.driverFault) }
        if faults.contains(.cartridgeRemoved), !interlocks.cartridgePresent { present.insert(.cartridgeRemoved) }
        let trusted = depth.trustedDepth(nowNs: nowNs, config: config)
        // A frozen sensor reads consistent, valid-looking samples: it is still present while
        // the raw angle has not moved for the stuck timeout.
        let frozen = depth.frozenNs(nowNs: nowNs) >= config.stuckTimeoutNs
        if faults.contains(.sensorFault), trusted == nil || frozen { present.insert(.sensorFault) }
        if faults.contains(.depthLimit), trusted.map({ mode.window.isBeyondLimit($0) }) ?? true {
            present.insert(.depthLimit)
        }
        if faults.contains(.runaway), !RunawayWatch.quiet(lastStrokeNs: meter.lastStrokeNs, nowNs: nowNs, config: config) {
            present.insert(.runaway)
        }
        // A failed self-test's cause cannot be seen without running it again: clear drops the
        // fault, but arming stays refused until a self-test passes (`selftest_required`).
        // A stall cannot be seen with the motor off; the next start's stall check re-judges it.
        return present
    }

    // MARK: - Self-test

    private mutating func beginSelfTest(includeMotor: Bool) -> Result<CommandOutcome, Refusal> {
        switch state {
        case .selfTest: return .success(.done)
        case .fault: return .failure(faultRefusal())
        case .armed, .running: return .failure(Refusal(.busy, "the self-test runs only while idle (now \(state.rawValue))"))
        case .idle: break
        }
        // An uncalibrated pen never turns its motor: the motor step is skipped, and said so.
        selfTest = SelfTestSequencer(startNs: nowNs, includeMotor: includeMotor && config.calibrated)
        selfTestResult = selfTest.result
        selfTestMotor = includeMotor && !config.calibrated ? .skippedUncalibrated : selfTest.motorCheck
        selfTestSpinning = false
        spinCleared = false
        state = .selfTest
        return .success(.done)
    }

    /// `stop` and `disarm` end a self-test without a verdict: it did not finish, so the pen
    /// does not arm until one passes.
    private mutating func abortSelfTest() {
        guard state == .selfTest else { return }
        state = .idle
        selfTestResult = .notRun
        if selfTestMotor == .running { selfTestMotor = .notRun }
    }

    private func selfTestRefusal() -> Refusal {
        switch selfTestResult {
        case .failed(let step):
            Refusal(.selftestRequired, "the self-test failed at step \(step.rawValue): fix the cause, clear, then run needlectl selftest")
        case .running:
            Refusal(.selftestRequired, "the self-test is still running")
        case .notRun, .passed:
            Refusal(.selftestRequired, "no self-test has passed since start-up (or the last one was stopped): run needlectl selftest")
        }
    }

    // MARK: - Cartridge

    /// Why the seated cartridge may not be started on, if it may not.
    private func cartridgeRefusal() -> Refusal? {
        switch cartridge {
        case .unknown:
            return config.cartridgeIdentityRequired
                ? Refusal(.cartridgeUnreadable, "the cartridge's identity has not been read") : nil
        case .absent: return Refusal(.interlock, "no cartridge is seated")
        case .reading: return Refusal(.cartridgeUnreadable, "the cartridge's identity is still being read")
        case .unreadable:
            return Refusal(.cartridgeUnreadable, "the cartridge's ID EEPROM is blank, corrupt or silent: use another cartridge")
        case .identified(let info):
            if info.used, info.serial != claimedSerial {
                return Refusal(.cartridgeUsed, "this cartridge was used in an earlier session: seat a new one")
            }
            return nil
        }
    }

    /// The first start on a cartridge claims it and asks for its used marker.
    private mutating func claimCartridge() {
        guard case .identified(let info) = cartridge else { return }
        claimedSerial = info.serial
        if !info.used { markPending = true }
    }

    // MARK: - Calibration

    private func notCalibrated() -> Refusal {
        Refusal(.notCalibrated, "the depth sensor is not calibrated: run calibrate zero, then calibrate span")
    }

    /// Raw counts a steady collar's reads may spread over: the AS5600's noise (±2 counts on the
    /// simulated pen). A collar still turning, or a glitch, spreads further.
    static let captureSpreadCounts: UInt16 = 4

    /// Follows the raw angle for `calibrate zero`/`span` (called every tick, allocation-free).
    private mutating func noteCaptureRaw(_ input: DepthInput) {
        guard case .reading(let raw, true) = input, !DepthCalibration.isGlitch(raw) else {
            rawGoodRun = 0
            return
        }
        let range = min(rawRunRange.lowerBound, raw)...max(rawRunRange.upperBound, raw)
        if rawGoodRun == 0 || range.upperBound - range.lowerBound > Self.captureSpreadCounts {
            rawGoodRun = 1
            rawRunSum = Int(raw)
            rawRunRange = raw...raw
        } else {
            rawGoodRun += 1
            rawRunSum += Int(raw)
            rawRunRange = range
        }
    }

    /// The raw angle a calibration point may be taken from, or why there is none: the mean,
    /// to the nearest count, of at least `trustSamples` good reads in a row that moved no
    /// more than sensor noise (the last read alone could be off by the noise, ±2 counts: 2 %
    /// of a 200-count span).
    private func calibrationRaw() -> Result<UInt16, Refusal> {
        if state == .running { return .failure(Refusal(.busy, "stop the motor before calibrating")) }
        guard rawGoodRun >= config.trustSamples else {
            return .failure(Refusal(
                .sensorInvalid,
                "no steady reading with a good magnet from the depth sensor (hold the collar still, then capture again)"))
        }
        let mean = (Double(rawRunSum) / Double(rawGoodRun)).rounded()
        return .success(UInt16(clamping: Int(mean)))
    }

    private mutating func calibrateZero() -> Result<CommandOutcome, Refusal> {
        switch calibrationRaw() {
        case .failure(let refusal): return .failure(refusal)
        case .success(let raw):
            pendingZero = raw
            calibrationCandidate = nil
            return .success(.done)
        }
    }

    private mutating func calibrateSpan(depthMM: Double) -> Result<CommandOutcome, Refusal> {
        let raw: UInt16
        switch calibrationRaw() {
        case .failure(let refusal): return .failure(refusal)
        case .success(let value): raw = value
        }
        guard let zero = pendingZero else {
            return .failure(Refusal(.invalidRequest, "capture the zero first (calibrate zero)"))
        }
        switch CalibrationMath.calibration(zeroRaw: zero, spanRaw: raw, depthMM: depthMM) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let calibration):
            calibrationCandidate = calibration
            return .success(.done)
        }
    }

    private mutating func setCalibration(_ calibration: DepthCalibration) -> Result<CommandOutcome, Refusal> {
        if let problem = CalibrationMath.problem(with: calibration) {
            return .failure(Refusal(.calibrationInvalid, "\(problem); the calibration in use is unchanged"))
        }
        guard state == .idle || state == .fault else {
            return .failure(Refusal(.busy, "disarm before changing the calibration (now \(state.rawValue))"))
        }
        config.calibration = calibration
        config.calibrated = true
        // Depths on the old scale must not vouch for samples on the new one.
        depth = DepthTracker(startNs: nowNs)
        pendingZero = nil
        calibrationCandidate = nil
        return .success(.done)
    }

    private func faultRefusal() -> Refusal {
        Refusal(.faultLatched, "faults latched: \(faults.codes.joined(separator: ", ")); clear them first")
    }

    // MARK: - Status

    public func status() -> SupervisorStatus {
        let remaining = plan?.durationS.map { max(0, $0 - Double(elapsedNs()) / 1e9) }
        var current = session
        if current?.isOpen == true { current?.motorOnNs = elapsedNs() }
        return SupervisorStatus(
            state: state, mode: mode, depthMM: depth.freshDepth(nowNs: nowNs, config: config),
            plan: plan, motorOn: state == .running, strokeRateHz: meter.rateHz(nowNs: nowNs),
            targetStrokeRateHz: plan.map { Plan.strokeRateHz(level: $0.speedLevel) },
            faults: faults, remainingS: remaining, strokes: meter.totalStrokes - strokesAtArm,
            lastStopReason: lastStopReason, duty: duty, calibrated: config.calibrated,
            calibration: config.calibrated ? config.calibration : nil, pendingZeroCounts: pendingZero,
            calibrationCandidate: calibrationCandidate, cartridge: cartridge, cartridgeMarkPending: markPending,
            selfTest: selfTestResult, selfTestMotor: selfTestMotor, session: current, previousSession: previousSession)
    }
}

/// "0.95 mm": two decimals, for refusal messages (not used on the tick path).
func mm(_ value: Double) -> String {
    guard value.isFinite, abs(value) < 1e6 else { return "\(value) mm" }
    let hundredths = Int((value * 100).rounded())
    let sign = hundredths < 0 ? "-" : ""
    let magnitude = abs(hundredths)
    let fraction = magnitude % 100
    return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction) mm"
}
