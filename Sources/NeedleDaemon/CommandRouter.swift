import Logging
import NeedleCore
import NeedleHAL
import NeedleProtocol

/// The daemon's answer to each socket command: validates what only the daemon can judge
/// (who the peer is), hands the rest to the supervisor, and journals what changed.
/// Runs on the server's threads; it only takes the supervisor's lock briefly.
public final class CommandRouter: RequestHandler {
    let loop: ControlLoop
    let clock: any MonotonicClock
    let policy: AccessPolicy
    let hardware: HardwareKind
    let sim: SimControl?
    let logger: Logger
    let startNs: UInt64

    init(loop: ControlLoop, clock: any MonotonicClock, policy: AccessPolicy, hardware: HardwareKind,
         sim: SimControl?, logger: Logger) {
        self.loop = loop
        self.clock = clock
        self.policy = policy
        self.hardware = hardware
        self.sim = sim
        self.logger = logger
        self.startNs = clock.nowNanoseconds()
    }

    public func status() -> StatusResult {
        let now = clock.nowNanoseconds()
        return StatusMapping.result(loop.status(), hardware: hardware, uptimeS: Double(now &- startNs) / 1e9)
    }

    public func handle(_ command: Command, from peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        switch command {
        case .status, .watch:
            return .success(.status(status()))
        case .arm(let args):
            let plan = Plan(targetDepthMM: args.depthMM, speedLevel: args.speed, area: args.area, durationS: args.durationS)
            return run(.arm(plan), peer: peer)
        case .disarm: return run(.disarm, peer: peer)
        case .start: return run(.start, peer: peer)
        case .stop: return run(.stop, peer: peer)
        case .clear: return run(.clear, peer: peer)
        case .mode(let wanted):
            let mode: Mode = wanted == .clinical ? .clinical : .home
            // Narrowing to home is always allowed; widening needs a clinician.
            let authorized = mode == .home || policy.mayUseClinical(uid: peer.uid, gid: peer.gid)
            if !authorized {
                logger.warning("refused clinical mode", metadata: ["uid": "\(peer.uid)", "gid": "\(peer.gid)", "pid": "\(peer.pid)"])
            }
            return run(.setMode(mode, authorized: authorized), peer: peer)
        case .sim(let action):
            guard let sim else {
                return .failure(ProtocolError(.notSimulated, "sim commands need a daemon started with --simulate"))
            }
            return sim.perform(action)
        }
    }

    private func run(_ command: SupervisorCommand, peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        switch loop.command(command, nowNs: clock.nowNanoseconds()) {
        case .success(let outcome):
            journal(outcome, peer: peer)
            return .success(.status(status()))
        case .failure(let refusal):
            logger.info("refused", metadata: ["code": "\(refusal.code.rawValue)", "reason": "\(refusal.message)", "uid": "\(peer.uid)"])
            return .failure(ProtocolError(ErrorCode(rawValue: refusal.code.rawValue) ?? .internal, refusal.message))
        }
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
