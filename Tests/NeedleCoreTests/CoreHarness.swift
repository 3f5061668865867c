@testable import NeedleCore

/// Drives a supervisor tick by tick on a virtual clock at 1 kHz, turning depths in mm into
/// raw sensor counts through the same calibration the supervisor uses.
struct CoreHarness {
    static let calibration = DepthCalibration(zeroCounts: 512, mmPerCount: 0.001)
    var supervisor: SafetySupervisor
    var nowNs: UInt64 = 1_000_000_000
    let periodNs: UInt64 = 1_000_000
    var estop = false
    var driverFault = false
    var cartridgePresent = true
    var cartridge = CartridgeStatus.unknown
    /// Whether the loop's previous output write succeeded (the self-test's heartbeat step).
    var outputsWritten = true
    /// The trigger's level, and edges to report with the next tick (a bounce).
    var triggerHeld = false
    var triggerEdges = 0
    /// Tach: strokes per second the fake motor makes while enabled.
    var strokeHz = 100.0
    private var nextStrokeNs: UInt64 = 0
    private(set) var last = OutputCommand.safe
    /// Real sensors never read the same count twice in a row for long while the needles
    /// vibrate; alternate one count so steady depths look like a live sensor.
    var dither = true
    private var tickCount = 0
    /// Every tach stroke handed to the supervisor so far (to check its counts exactly).
    private(set) var fedStrokes = 0

    init(config: SafetyConfig? = nil) {
        supervisor = SafetySupervisor(config: config ?? SafetyConfig(calibration: Self.calibration), startNs: 1_000_000_000)
    }

    static func raw(_ mm: Double) -> UInt16 { UInt16((512 + mm * 1000).rounded()) }

    @discardableResult
    mutating func tick(depth mm: Double?, magnetGood: Bool = true) -> OutputCommand {
        let offset: UInt16 = dither && tickCount % 2 == 1 ? 1 : 0
        let input: DepthInput = mm.map { .reading(rawAngle: Self.raw($0) + offset, magnetGood: magnetGood) } ?? .readError
        return tick(input)
    }

    /// A clean press by hand: held for `holdMs` ticks at `mm`, then released for as long.
    /// Returns whether the motor was enabled at the end of the hold.
    @discardableResult
    mutating func pressTrigger(at mm: Double, holdMs: Int = 30) -> Bool {
        triggerHeld = true
        triggerEdges = 1
        for _ in 0..<holdMs { tick(depth: mm) }
        let enabled = last.motorEnable
        triggerHeld = false
        for _ in 0..<holdMs { tick(depth: mm) }
        return enabled
    }

    @discardableResult
    mutating func tick(_ input: DepthInput) -> OutputCommand {
        nowNs += periodNs
        tickCount += 1
        var readings = Readings(nowNs: nowNs, depth: input)
        readings.estop = estop
        readings.driverFault = driverFault
        readings.cartridgePresent = cartridgePresent
        readings.cartridge = cartridge
        readings.outputsWritten = outputsWritten
        readings.triggerHeld = triggerHeld
        readings.triggerEdges = triggerEdges
        triggerEdges = 0
        if last.motorEnable, strokeHz > 0 {
            if nextStrokeNs == 0 { nextStrokeNs = nowNs }
            while nextStrokeNs <= nowNs {
                readings.strokes += 1
                readings.lastStrokeNs = nextStrokeNs
                nextStrokeNs += UInt64(1e9 / strokeHz)
            }
        } else {
            nextStrokeNs = 0
        }
        fedStrokes += readings.strokes
        last = supervisor.tick(readings)
        return last
    }

    /// Ticks `count` times at a steady depth.
    mutating func settle(at mm: Double, ticks count: Int = 5) {
        for _ in 0..<count { tick(depth: mm) }
    }

    mutating func command(_ command: SupervisorCommand) -> Result<CommandOutcome, Refusal> {
        supervisor.handle(command, nowNs: nowNs)
    }

    /// Arms at `target` with the measured depth settled on it and starts.
    mutating func run(target: Double, mode: Mode = .home, speed: Int = 5, durationS: Double? = nil) throws {
        if mode != supervisor.mode { _ = try command(.setMode(mode, authorized: true)).get() }
        settle(at: target)
        // Clinical mode arms no plan without a client.
        let client = mode == .clinical ? "C-1" : nil
        _ = try command(.arm(Plan(targetDepthMM: target, speedLevel: speed, durationS: durationS, client: client))).get()
        _ = try command(.start).get()
        tick(depth: target)
    }

    var refusalCode: (Result<CommandOutcome, Refusal>) -> Refusal.Code? {
        { result in if case .failure(let refusal) = result { refusal.code } else { nil } }
    }
}
