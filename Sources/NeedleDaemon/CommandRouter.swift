import Logging
import NIOCore
import NIOPosix
import NeedleCore
import NeedleHAL
import NeedleProtocol
import Synchronization

/// The daemon's answer to each socket command: validates what only the daemon can judge
/// (who the peer is and which role it has), hands the rest to the supervisor, and journals
/// what changed. The access policy can be replaced live (configuration reload).
/// Runs on the server's threads; it only takes the supervisor's lock briefly.
public final class CommandRouter: RequestHandler {
    let loop: ControlLoop
    let clock: any MonotonicClock
    private let access: Mutex<AccessPolicy>
    /// Bumped by every `setPolicy`: open connections then re-check their peer's role.
    private let policyGeneration = Atomic<UInt64>(0)
    /// Refusal lines, rate-limited per uid so that a flood cannot crowd faults out of the journal.
    let refusals: RefusalLog
    /// Writes the refusal summaries of a flood that has stopped.
    private let refusalFlush = Mutex<RepeatedTask?>(nil)
    /// Supplementary groups of a uid (the system's by default; injected by tests).
    let groupsOf: @Sendable (UInt32) -> [UInt32]
    let hardware: HardwareKind
    let sim: SimControl?
    /// Where `calibrate span` stores the new calibration before it is used.
    let calibrationStore: CalibrationStore
    /// Held through a whole calibration step, so that two clients' zero/span/store/use
    /// sequences never interleave.
    let calibrationLock = Mutex(())
    let logger: Logger
    let startNs: UInt64
    /// Treatment records and what reads them (nil: a daemon that keeps none, in some tests).
    let records: TreatmentRecorder?
    let wallClock: any WallClock
    let intervalGuard: IntervalGuard
    /// Runs between reading the records and arming: lets a test switch the mode in that gap.
    let beforeArmForTesting: (@Sendable () -> Void)?
    /// Serving, or shutting down (see CommandRouter+Shutdown.swift).
    let phase = Mutex(ServicePhase.serving)
    /// Copies of the records being read out by `needlectl backup`.
    let backups = BackupCopies()

    init(loop: ControlLoop, clock: any MonotonicClock, policy: AccessPolicy, hardware: HardwareKind,
         sim: SimControl?, calibrationStore: CalibrationStore, logger: Logger,
         groupsOf: @escaping @Sendable (UInt32) -> [UInt32] = AccessPolicy.supplementaryGroups,
         records: TreatmentRecorder? = nil, wallClock: any WallClock = SystemWallClock(),
         intervalGuard: IntervalGuard = IntervalGuard(), beforeArmForTesting: (@Sendable () -> Void)? = nil) {
        self.beforeArmForTesting = beforeArmForTesting
        self.records = records
        self.wallClock = wallClock
        self.intervalGuard = intervalGuard
        self.loop = loop
        self.clock = clock
        self.access = Mutex(policy)
        self.groupsOf = groupsOf
        self.hardware = hardware
        self.sim = sim
        self.calibrationStore = calibrationStore
        self.logger = logger
        self.startNs = clock.nowNanoseconds()
        self.refusals = RefusalLog(logger: logger, nowNs: startNs)
        let refusals = refusals
        let task = MultiThreadedEventLoopGroup.singleton.next().scheduleRepeatedTask(
            initialDelay: .seconds(1), delay: .seconds(1)
        ) { _ in refusals.flush(nowNs: clock.nowNanoseconds()) }
        refusalFlush.withLock { $0 = task }
    }

    deinit {
        refusalFlush.withLock { $0?.cancel() }
    }

    /// The access policy in force.
    public var policy: AccessPolicy { access.withLock { $0 } }

    /// Replaces the access policy; the next request is judged by the new one.
    public func setPolicy(_ policy: AccessPolicy) {
        access.withLock { $0 = policy }
        policyGeneration.add(1, ordering: .sequentiallyConsistent)
    }

    public var accessGeneration: UInt64 { policyGeneration.load(ordering: .sequentiallyConsistent) }

    /// A connection is let in only for a peer with a role: one without is refused before it
    /// takes a slot (issue 9 §2.18), and the refusal is logged (rate-limited).
    public func admit(_ peer: PeerCredentials) -> Result<Role, ProtocolError> {
        if let role = role(of: peer) { return .success(role) }
        refusals.refused(uid: peer.uid, nowNs: clock.nowNanoseconds()) {
            $0.warning("refused a control connection: the peer has no role", metadata: [
                "uid": "\(peer.uid)", "gid": "\(peer.gid)", "pid": "\(peer.pid)",
            ])
        }
        return .failure(ProtocolError(
            .unauthorized,
            "connection refused: uid \(peer.uid) has no role on this pen (observer, operator or clinician: see [access] in needled.toml)"))
    }

    /// The role a peer has now, or nil.
    public func role(of peer: PeerCredentials) -> Role? {
        policy.role(uid: peer.uid, gid: peer.gid, groupsOf: groupsOf)
    }

    /// Refuses, with `unauthorized` naming the role needed, a command the peer's role does
    /// not cover; every refusal is logged with the peer's uid, gid and pid.
    public func authorize(_ command: Command, peer: PeerCredentials) -> ProtocolError? {
        let needed = Role.required(for: command)
        let role = role(of: peer)
        if let role, role >= needed { return nil }
        let what = Self.describe(command)
        let has = role.map { "has the \($0) role" } ?? "has no role"
        refusals.refused(uid: peer.uid, nowNs: clock.nowNanoseconds()) {
            $0.warning("refused \(what): needs the \(needed) role", metadata: [
                "uid": "\(peer.uid)", "gid": "\(peer.gid)", "pid": "\(peer.pid)", "command": "\(what)",
                "role": "\(role?.description ?? "none")", "needed": "\(needed)",
            ])
        }
        return ProtocolError(.unauthorized, "\(what) needs the \(needed) role; uid \(peer.uid) \(has)")
    }

    /// The command as a person would type it: `mode clinical`, `sim`, `arm`, `arm --override`.
    static func describe(_ command: Command) -> String {
        switch command {
        case .mode(let mode): "mode \(mode.rawValue)"
        case .arm(let arm) where arm.override: "arm --override"
        default: command.name.rawValue
        }
    }

    public func status() -> StatusResult {
        let now = clock.nowNanoseconds()
        let result = StatusMapping.result(loop.status(), hardware: hardware, uptimeS: Double(now &- startNs) / 1e9)
        return phase.withLock { $0 } == .loopStopped ? Self.stopped(result) : result
    }

    public func handle(_ command: Command, from peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        if let refusal = authorize(command, peer: peer) { return .failure(refusal) }
        if let answer = shutdownAnswer(command, peer: peer) { return answer }
        switch command {
        case .status, .watch:
            return .success(.status(status()))
        case .arm(let args):
            // authorize(_:peer:) above already refused an override below the clinician role;
            // the core checks it again from this flag.
            let clinician = role(of: peer).map { $0 >= .clinician } ?? false
            let evidence: IntervalEvidence?
            switch intervalEvidence(area: args.area, client: args.client) {
            case .success(let read): evidence = read
            case .failure(let refusal): return .failure(logRefused(refusal, peer: peer))
            }
            let cartridgeRecord: CartridgeRecordEvidence?
            switch cartridgeEvidence() {
            case .success(let read): cartridgeRecord = read
            case .failure(let refusal): return .failure(logRefused(refusal, peer: peer))
            }
            beforeArmForTesting?()
            let request = PlanRequest(
                targetDepthMM: args.depthMM, speedLevel: args.speed, area: args.area, durationS: args.durationS,
                override: args.override, interval: evidence, client: args.client, cartridgeRecord: cartridgeRecord)
            let result = run(.armRequest(request, clinician: clinician), peer: peer)
            if case .success = result { records?.noteArmed(by: peer.uid) }
            return result
        case .history(let arguments): return history(arguments)
        case .plan(let arguments): return treatmentPlan(client: arguments.client)
        case .session(let arguments): return session(arguments)
        case .note(let arguments): return note(arguments, peer: peer)
        case .verify: return verify()
        case .backup(let arguments): return backup(arguments)
        // An operator's selftest is the full test: the only way the motor step's spin runs.
        case .selftest: return run(.selfTest(includeMotor: true), peer: peer)
        case .calibrate(let step): return calibrate(step, peer: peer)
        case .disarm: return run(.disarm, peer: peer)
        case .start: return run(.start, peer: peer)
        case .stop: return run(.stop, peer: peer)
        case .clear: return run(.clear, peer: peer)
        case .mode(let wanted):
            // authorize(_:peer:) above: home needs an operator, clinical a clinician.
            let mode: Mode = wanted == .clinical ? .clinical : .home
            return run(.setMode(mode, authorized: true), peer: peer)
        case .sim(let action):
            guard let sim else {
                return .failure(ProtocolError(.notSimulated, "sim commands need a daemon started with --simulate"))
            }
            return sim.perform(action)
        }
    }

    private func run(_ command: SupervisorCommand, peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        guard let result = supervise(command) else { return .failure(shuttingDown(peer: peer)) }
        switch result {
        case .success(let outcome):
            journal(outcome, peer: peer)
            if case .armRequest(let request, _) = command, request.override { journalOverride(peer: peer) }
            return .success(.status(status()))
        case .failure(let refusal):
            return .failure(wire(refusal, peer: peer))
        }
    }

    /// A refusal as the wire carries it, logged with the peer's uid.
    func wire(_ refusal: Refusal, peer: PeerCredentials) -> ProtocolError {
        logRefused(ProtocolError(ErrorCode(rawValue: refusal.code.rawValue) ?? .internal, refusal.message), peer: peer)
    }

    /// Every refusal of a command is one journal line with the peer's uid, within the
    /// per-uid rate limit (beyond it, counted in a summary line).
    @discardableResult
    func logRefused(_ error: ProtocolError, peer: PeerCredentials) -> ProtocolError {
        refusals.refused(uid: peer.uid, nowNs: clock.nowNanoseconds()) {
            $0.info("refused", metadata: ["code": "\(error.code.rawValue)", "reason": "\(error.message)", "uid": "\(peer.uid)"])
        }
        return error
    }

    /// An override lifts an area's limits: the journal keeps who did it and for what plan.
    private func journalOverride(peer: PeerCredentials) {
        let plan = loop.status().plan
        logger.notice("plan armed with a clinician override of the area's limits", metadata: [
            "area": "\(plan?.area ?? "none")", "client": "\(plan?.client ?? "-")", "depth_mm": "\(plan.map { logText($0.targetDepthMM) } ?? "none")",
            "uid": "\(peer.uid)", "pid": "\(peer.pid)",
        ])
    }

    private func journal(_ outcome: CommandOutcome, peer: PeerCredentials) {
        switch outcome {
        case .done: break
        case .modeChanged(let from, let to):
            logger.notice("mode changed", metadata: ["from": "\(from.rawValue)", "to": "\(to.rawValue)", "uid": "\(peer.uid)", "pid": "\(peer.pid)"])
        case .cleared(let faults) where !faults.isEmpty:
            logger.notice("faults cleared", metadata: ["faults": "\(faults.codes.joined(separator: ","))", "uid": "\(peer.uid)"])
        case .cleared: break
        }
    }
}
