import NeedleCore
import NeedleProtocol

/// Where the daemon is in its life, as the socket sees it.
enum ServicePhase: Sendable, Equatable {
    /// Commands reach the supervisor.
    case serving
    /// The daemon is stopping: the loop is being stopped; only `stop` still reaches the
    /// supervisor (it can only turn the motor off).
    case closing
    /// The loop has stopped and the outputs were forced safe: no tick will carry out
    /// anything, so nothing is handed to the supervisor any more.
    case loopStopped
}

/// Shutting down truthfully (issue 9 §2 item 21). The daemon stops the loop before it
/// closes the socket (rule 4: the motor off first, even if closing the connections were
/// slow), so for a moment connections are open while no tick runs. In that moment every
/// command is refused with `shutting_down`, except `stop`, which answers with the status
/// (motor off): what `stop` asks for is true. The phase changes under the same lock that
/// hands commands to the supervisor, so no command is accepted that no tick would run.
extension CommandRouter {
    /// Refuses every command but `stop` from now on; call before stopping the loop.
    public func beginShutdown() {
        phase.withLock { if $0 == .serving { $0 = .closing } }
    }

    /// The loop has stopped and the outputs were driven safe.
    public func loopStopped() {
        phase.withLock { $0 = .loopStopped }
    }

    /// Hands a command to the supervisor unless the daemon is shutting down (nil then);
    /// `stop` still goes through while the loop is being stopped.
    func supervise(_ command: SupervisorCommand) -> Result<CommandOutcome, Refusal>? {
        phase.withLock { phase in
            switch phase {
            case .serving: return loop.command(command, nowNs: clock.nowNanoseconds())
            case .closing:
                guard case .stop = command else { return nil }
                return loop.command(command, nowNs: clock.nowNanoseconds())
            case .loopStopped: return nil
            }
        }
    }

    /// The answer to a command while shutting down, nil while serving.
    func shutdownAnswer(_ command: Command, peer: PeerCredentials) -> Result<ResultPayload, ProtocolError>? {
        switch phase.withLock({ $0 }) {
        case .serving: return nil
        case .closing:
            if case .stop = command { return nil }
        case .loopStopped:
            // The loop no longer runs and the outputs were forced safe: the motor is off.
            if case .stop = command { return .success(.status(status())) }
        }
        return .failure(shuttingDown(peer: peer))
    }

    func shuttingDown(peer: PeerCredentials) -> ProtocolError {
        logRefused(
            ProtocolError(.shuttingDown, "needled is shutting down: the motor is off and no further command is taken"),
            peer: peer)
    }

    /// A status taken after the loop stopped: the supervisor's last picture may still say
    /// running, but the outputs were forced safe, so the motor is off and nothing turns.
    static func stopped(_ status: StatusResult) -> StatusResult {
        var status = status
        status.motorOn = false
        status.strokeRateHz = 0
        status.targetStrokeRateHz = nil
        status.remainingS = nil
        if status.state == .running || status.state == .selfTest { status.state = .idle }
        return status
    }
}
