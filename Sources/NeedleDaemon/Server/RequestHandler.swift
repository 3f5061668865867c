import NeedleProtocol

/// Who is on the other end of a control connection, from the kernel (SO_PEERCRED), captured
/// once when the connection is accepted. Used to authorize mode changes (DESIGN §3 rule 7).
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "pid \(pid) uid \(uid) gid \(gid)" }
}

/// What the daemon implements to serve the control socket. Called on a server event loop:
/// implementations must return promptly (no waiting on the control loop, no I/O except
/// `calibrate span`'s one small atomic file save, made only while the motor is stopped).
/// Only decoded, validated commands reach it; bad input is answered by the server alone.
public protocol RequestHandler: Sendable {
    /// Executes one command for a peer; never blocks for long (no I/O).
    /// `watch` is served by the server itself and is not passed here.
    func handle(_ command: Command, from peer: PeerCredentials) -> Result<ResultPayload, ProtocolError>
    /// Current status, for `watch` streaming.
    func status() -> StatusResult
    /// Asked by the server before serving any command, `watch` included: nil allows it, an
    /// error (`unauthorized`) is sent as the reply instead. The default allows everything.
    func authorize(_ command: Command, peer: PeerCredentials) -> ProtocolError?
    /// Asked once per connection, before it takes a slot: the peer's role, or the error it
    /// is refused with (a peer without a role holds no connection). Asked again when
    /// `accessGeneration` changes. The default lets everyone in as a clinician.
    func admit(_ peer: PeerCredentials) -> Result<Role, ProtocolError>
    /// Changes whenever the access policy is replaced (configuration reload): every open
    /// connection, a running `watch` included, then re-checks its peer.
    var accessGeneration: UInt64 { get }
    /// Commands whose answer may wait for the disk (the treatment records): the server runs
    /// them on a thread pool, never on an event loop that also serves `status`. The default
    /// runs everything on the event loop.
    func runsOffEventLoop(_ command: Command) -> Bool
}

extension RequestHandler {
    public func authorize(_ command: Command, peer: PeerCredentials) -> ProtocolError? { nil }
    public func admit(_ peer: PeerCredentials) -> Result<Role, ProtocolError> { .success(.clinician) }
    public var accessGeneration: UInt64 { 0 }
    public func runsOffEventLoop(_ command: Command) -> Bool { false }
}
