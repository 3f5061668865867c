/// How a treatment session ended.
public enum SessionEnd: Sendable, Equatable {
    /// The plan's session time was spent.
    case completed
    /// The operator ended it (`disarm`, or arming another plan, after a stop).
    case stopped
    /// A fault latched while the session was open.
    case fault(Fault)

    /// The record's `end_reason`: `completed`, `stopped`, or the fault's code.
    public var code: String {
        switch self {
        case .completed: "completed"
        case .stopped: "stopped"
        case .fault(let fault): fault.code
        }
    }
}

/// One treatment session as the supervisor sees it, for the daemon's treatment record.
///
/// A session is one armed plan: it opens when the motor first starts on the plan and
/// closes when the plan ends (completed, disarmed, replaced, or a fault). A `stop` or a
/// depth mismatch only pauses it: starting again continues the same session, its timer
/// and its counts. Everything here is fixed-size, so the tick can update it without
/// allocating; the daemon reads copies through `SupervisorStatus.session`.
public struct SessionTally: Sendable, Equatable {
    /// 1 for the first session since the supervisor was made, then 2, 3, … (the daemon
    /// tells sessions apart by it).
    public var sequence: UInt64
    public var plan: Plan
    public var mode: Mode
    /// The cartridge the session started on (nil when the loop does not read identities).
    public var cartridge: CartridgeInfo?
    public var openedNs: UInt64
    /// Set together with `end` when the session closes.
    public var closedNs: UInt64?
    public var end: SessionEnd?
    /// Time the motor actually ran for this session.
    public var motorOnNs: UInt64 = 0
    /// Tach strokes while the session was open.
    public var strokes = 0
    /// Valid depth samples taken while the motor ran, and their sum, minimum and maximum.
    public var depthSamples = 0
    public var depthSumMM = 0.0
    public var depthMinMM = Double.infinity
    public var depthMaxMM = -Double.infinity

    public init(sequence: UInt64, plan: Plan, mode: Mode, cartridge: CartridgeInfo?, openedNs: UInt64) {
        self.sequence = sequence
        self.plan = plan
        self.mode = mode
        self.cartridge = cartridge
        self.openedNs = openedNs
    }

    public var isOpen: Bool { end == nil }

    public mutating func addDepth(_ mm: Double) {
        depthSamples += 1
        depthSumMM += mm
        depthMinMM = min(depthMinMM, mm)
        depthMaxMM = max(depthMaxMM, mm)
    }

    /// Measured depth while running: nil without a single valid sample.
    public var depthMeanMM: Double? { depthSamples > 0 ? depthSumMM / Double(depthSamples) : nil }
    public var measuredMinMM: Double? { depthSamples > 0 ? depthMinMM : nil }
    public var measuredMaxMM: Double? { depthSamples > 0 ? depthMaxMM : nil }

    /// Strokes per second of motor-on time: nil before the motor has run.
    public var meanStrokeRateHz: Double? {
        motorOnNs > 0 ? Double(strokes) / (Double(motorOnNs) / 1e9) : nil
    }
}
