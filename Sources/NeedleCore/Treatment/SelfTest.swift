/// The power-on self-test's steps, in order. Raw values name the step in `selftest_failed`.
public enum SelfTestStep: String, Sendable, CaseIterable {
    /// The depth sensor answers with a good magnet.
    case sensor
    /// 50 samples with the collar still spread less than 0.02 mm.
    case steady
    /// The cartridge's ID EEPROM reads.
    case cartridge
    /// A spin at the lowest level sees tach strokes within 200 ms.
    case motor
    /// The heartbeat kept toggling (every output write succeeded) for longer than the
    /// monostable's 20 ms: with the motor spinning when the motor step ran, else motor off.
    case heartbeat
}

/// What became of the self-test's motor step (its spin), which runs only when an operator
/// asks for it (`needlectl selftest`), never at power-on: the motor turns only on an
/// operator's action (DESIGN.md §3 rule 9).
public enum SelfTestMotorCheck: String, Sendable, Equatable {
    /// Not part of this run (the power-on test), or no test ran.
    case notRun = "not_run"
    /// Asked for, but the pen is uncalibrated: it never turns its motor.
    case skippedUncalibrated = "skipped_uncalibrated"
    case running
    case passed
    case failed
}

/// Where the self-test stands.
public enum SelfTestResult: Sendable, Equatable {
    case notRun
    case running(SelfTestStep)
    case passed
    case failed(SelfTestStep)
}

/// The self-test as a pure step sequencer, one `step` per control tick (no clock, no I/O,
/// no allocation). The supervisor hosts it: it feeds the tick's readings and drives the
/// motor at level 1 while `spin` is asked for, under all its usual interlocks.
public struct SelfTestSequencer: Sendable {
    public static let sensorSamples = 5
    public static let sensorTimeoutNs: UInt64 = 50_000_000
    public static let steadySamples = 50
    public static let steadySpreadMM = 0.02
    public static let cartridgeTimeoutNs: UInt64 = 300_000_000
    public static let motorTimeoutNs: UInt64 = 200_000_000
    public static let motorStrokes = 2
    /// Longer than the heartbeat monostable's 20 ms period.
    public static let heartbeatWindowNs: UInt64 = 30_000_000

    public private(set) var result: SelfTestResult = .running(.sensor)
    /// Whether the motor step is part of this run.
    public let includesMotor: Bool
    private var stepStartNs: UInt64
    private var count = 0
    private var minRaw: UInt16 = .max
    private var maxRaw: UInt16 = 0

    public init(startNs: UInt64, includeMotor: Bool = true) {
        stepStartNs = startNs
        includesMotor = includeMotor
    }

    /// The motor step's own verdict, for status.
    public var motorCheck: SelfTestMotorCheck {
        guard includesMotor else { return .notRun }
        switch result {
        case .notRun: return .notRun
        case .running(let step):
            return step == .motor || step == .heartbeat ? .running : .notRun
        case .passed: return .passed
        case .failed(let step):
            switch step {
            case .motor, .heartbeat: return .failed
            case .sensor, .steady, .cartridge: return .notRun
            }
        }
    }

    /// One tick's view for the self-test.
    public struct Input: Sendable {
        public var nowNs: UInt64
        public var depth: DepthInput
        public var cartridge: CartridgeStatus
        public var cartridgeIdentityRequired: Bool
        public var strokes: Int
        public var outputsWritten: Bool
        /// |mm per count| of the calibration in use (or the nominal one).
        public var mmPerCount: Double

        public init(
            nowNs: UInt64, depth: DepthInput, cartridge: CartridgeStatus, cartridgeIdentityRequired: Bool,
            strokes: Int, outputsWritten: Bool, mmPerCount: Double
        ) {
            self.nowNs = nowNs
            self.depth = depth
            self.cartridge = cartridge
            self.cartridgeIdentityRequired = cartridgeIdentityRequired
            self.strokes = strokes
            self.outputsWritten = outputsWritten
            self.mmPerCount = mmPerCount
        }
    }

    /// Whether the motor should spin at the lowest level this tick.
    public var spin: Bool {
        guard includesMotor, case .running(let step) = result else { return false }
        return step == .motor || step == .heartbeat
    }

    /// Ends the test as failed at its current step (a fault latched, or it was aborted).
    public mutating func fail() {
        if case .running(let step) = result { result = .failed(step) }
    }

    public mutating func step(_ input: Input) {
        guard case .running(let step) = result else { return }
        let elapsed = input.nowNs.nanoseconds(since: stepStartNs)
        switch step {
        case .sensor:
            if case .reading(_, true) = input.depth { count += 1 } else { count = 0 }
            if count >= Self.sensorSamples { return advance(to: .steady, at: input.nowNs) }
            if elapsed >= Self.sensorTimeoutNs { result = .failed(.sensor) }
        case .steady:
            guard case .reading(let raw, true) = input.depth else { return result = .failed(.steady) }
            minRaw = min(minRaw, raw)
            maxRaw = max(maxRaw, raw)
            count += 1
            guard count >= Self.steadySamples else { return }
            let spreadMM = Double(maxRaw - minRaw) * abs(input.mmPerCount)
            if spreadMM < Self.steadySpreadMM { advance(to: .cartridge, at: input.nowNs) } else { result = .failed(.steady) }
        case .cartridge:
            switch input.cartridge {
            case .identified: advance(to: afterCartridge, at: input.nowNs)
            case .unknown where !input.cartridgeIdentityRequired: advance(to: afterCartridge, at: input.nowNs)
            case .absent, .unreadable: result = .failed(.cartridge)
            case .reading, .unknown:
                if elapsed >= Self.cartridgeTimeoutNs { result = .failed(.cartridge) }
            }
        case .motor:
            count += input.strokes
            if count >= Self.motorStrokes { return advance(to: .heartbeat, at: input.nowNs) }
            if elapsed >= Self.motorTimeoutNs { result = .failed(.motor) }
        case .heartbeat:
            guard input.outputsWritten else { return result = .failed(.heartbeat) }
            if elapsed >= Self.heartbeatWindowNs { result = .passed }
        }
    }

    /// Without the motor step the heartbeat step follows the cartridge, with the motor off:
    /// it still proves that every output write succeeds for longer than the monostable.
    private var afterCartridge: SelfTestStep { includesMotor ? .motor : .heartbeat }

    private mutating func advance(to next: SelfTestStep, at nowNs: UInt64) {
        result = .running(next)
        stepStartNs = nowNs
        count = 0
    }
}
