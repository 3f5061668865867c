import NIOCore
import NIOPosix
import NeedleProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The control socket server: a Unix stream socket speaking newline-delimited JSON
/// (DESIGN §5). Construct with a configuration and the daemon's `RequestHandler`, then
/// `try await start()`; `await stop()` closes every connection and removes the socket file.
public final class ControlServer: Sendable {

    public struct Configuration: Sendable {
        public var socketPath: String
        /// Permissions applied after bind (DESIGN §5: 0660).
        public var socketMode: UInt32
        /// Group to give the socket (e.g. `needle`'s gid); nil keeps the process's group.
        public var socketGroup: UInt32?
        /// Longest accepted request line in bytes, newline excluded.
        public var maxLineLength: Int
        /// Connections beyond this are answered `busy` and closed (but see `reservedStopSlots`).
        public var maxConnections: Int
        /// Connections one uid may hold at once, so no single user fills the server.
        public var maxConnectionsPerUID: Int
        /// Slots kept beyond `maxConnections` for `stop`: when every other slot (or the
        /// peer's own share) is taken, a peer whose role may stop still gets in, one
        /// connection per uid, for one `stop` within `limits.stopSlotTimeout`. Whatever the
        /// other clients do, `stop` gets through (DESIGN §3 rule 8).
        public var reservedStopSlots: Int
        /// A listening socket inherited from systemd (socket activation): served instead of
        /// binding `socketPath`, which is then neither created, chmod-ed nor removed.
        public var inheritedDescriptor: Int32?
        /// Per-client limits against hostile or broken clients (see `ClientLimits`).
        public var limits: ClientLimits
        /// For tests only: replaces the kernel's credentials of a connection, given them and
        /// the path the client bound its socket to (one test process plays several users).
        public var credentialsOverride: (@Sendable (PeerCredentials, String?) -> PeerCredentials)?

        public init(
            socketPath: String = ControlSocket.defaultPath, socketMode: UInt32 = 0o660,
            socketGroup: UInt32? = nil, maxLineLength: Int = LineFramer.defaultMaxLineLength,
            maxConnections: Int = 32, maxConnectionsPerUID: Int = 8, reservedStopSlots: Int = 4,
            inheritedDescriptor: Int32? = nil, limits: ClientLimits = ClientLimits(),
            credentialsOverride: (@Sendable (PeerCredentials, String?) -> PeerCredentials)? = nil
        ) {
            self.maxConnectionsPerUID = max(1, maxConnectionsPerUID)
            self.reservedStopSlots = max(1, reservedStopSlots)
            self.credentialsOverride = credentialsOverride
            self.socketPath = socketPath
            self.socketMode = socketMode
            self.socketGroup = socketGroup
            self.maxLineLength = maxLineLength
            self.maxConnections = maxConnections
            self.inheritedDescriptor = inheritedDescriptor
            self.limits = limits
        }
    }

    private enum Phase {
        case idle
        case starting
        /// The identity is nil for an inherited socket: its file is systemd's, not ours.
        case running(any Channel, SocketPath.FileIdentity?)
        case stopped
    }

    private struct Connection {
        var channel: any Channel
        var uid: UInt32
        var slot: ConnectionSlot
    }

    private struct State {
        var phase: Phase = .idle
        var connections: [ObjectIdentifier: Connection] = [:]
    }

    public let configuration: Configuration
    private let handler: any RequestHandler
    private let group: any EventLoopGroup
    private let state = Mutex(State())

    /// - Parameter group: event loops to serve on; the process-wide NIO singleton by default.
    public init(
        configuration: Configuration, handler: any RequestHandler,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.handler = handler
        self.group = group
    }

    /// Whether the listening socket is open.
    public var isListening: Bool {
        state.withLock { if case .running(let channel, _) = $0.phase { channel.isActive } else { false } }
    }

    /// Number of open client connections.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds and listens. Creates the parent directory if missing, removes a stale socket file
    /// only when nothing answers on it, and sets the socket's mode (and group) after bind.
    public func start() async throws(ControlServerError) {
        let path = configuration.socketPath
        try state.withLock { (state: inout State) throws(ControlServerError) in
            guard case .idle = state.phase else { throw .invalidState("a control server can be started only once") }
            state.phase = .starting
        }
        if let descriptor = configuration.inheritedDescriptor {
            do {
                let channel = try await adopt(descriptor)
                state.withLock { $0.phase = .running(channel, nil) }
                return
            } catch {
                state.withLock { $0.phase = .idle }
                throw .bindFailed(path: "inherited fd \(descriptor)", reason: "\(error)")
            }
        }
        do {
            guard path.utf8.count <= SocketPath.maxPathLength else {
                throw ControlServerError.pathTooLong(path: path, limit: SocketPath.maxPathLength)
            }
            try SocketPath.ensureParentDirectory(of: path)
            try SocketPath.removeStaleSocket(at: path)
            let channel = try await bind(path)
            let identity: SocketPath.FileIdentity
            do {
                identity = try SocketPath.setPermissions(path, mode: configuration.socketMode, group: configuration.socketGroup)
            } catch {
                try? await channel.close()
                unlink(path)
                throw error
            }
            state.withLock { $0.phase = .running(channel, identity) }
        } catch let error as ControlServerError {
            state.withLock { $0.phase = .idle }
            throw error
        } catch {
            state.withLock { $0.phase = .idle }
            throw .bindFailed(path: path, reason: "\(error)")
        }
    }

    /// Stops listening, closes every connection and removes the socket file (if it is still
    /// the one this server created). Idempotent.
    public func stop() async {
        let (listener, identity, connections) = state.withLock { state -> ((any Channel)?, SocketPath.FileIdentity?, [any Channel]) in
            let connections = state.connections.values.map(\.channel)
            defer { state.phase = .stopped }
            if case .running(let channel, let identity) = state.phase { return (channel, identity, connections) }
            return (nil, nil, connections)
        }
        if let listener { try? await listener.close() }
        for connection in connections { try? await connection.close() }
        if let identity { SocketPath.remove(configuration.socketPath, ifIdentity: identity) }
    }

    private func bind(_ path: String) async throws -> any Channel {
        try await bootstrap().bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).get()
    }

    /// Serves a socket that is already bound and listening (socket activation).
    private func adopt(_ descriptor: Int32) async throws -> any Channel {
        try await bootstrap().withBoundSocket(descriptor).get()
    }

    private func bootstrap() -> ServerBootstrap {
        let handler = self.handler
        let maxLineLength = configuration.maxLineLength
        let limits = configuration.limits
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 16)
            .childChannelOption(
                .writeBufferWaterMark,
                value: ChannelOptions.Types.WriteBufferWaterMark(low: limits.maxPendingWriteBytes / 2, high: limits.maxPendingWriteBytes))
            .childChannelInitializer { [self] channel in
                let override = configuration.credentialsOverride
                return PeerCredentials.read(from: channel).flatMapThrowing { kernel in
                    let peer = override?(kernel, channel.remoteAddress?.pathname) ?? kernel
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(
                            handler: handler, peer: peer, maxLineLength: maxLineLength, limits: limits,
                            admit: { channel, peer in self.admit(channel, peer: peer) }))
                }
            }
    }

    /// Registers a newly active connection, or says why it is refused (the connection handler
    /// then answers with that error and closes). In order: a peer without a role is refused
    /// before it takes any slot; a peer within its uid's share gets a general slot while
    /// there is one; otherwise a peer that may `stop` gets a stop-only slot (one per uid);
    /// everyone else is `busy`.
    private func admit(_ channel: any Channel, peer: PeerCredentials) -> Result<ConnectionSlot, ProtocolError> {
        let role: Role
        switch handler.admit(peer) {
        case .success(let admitted): role = admitted
        case .failure(let refusal): return .failure(refusal)
        }
        let key = ObjectIdentifier(channel)
        let limit = configuration.maxConnections
        let perUID = configuration.maxConnectionsPerUID
        let reserved = configuration.reservedStopSlots
        let mayStop = role >= Role.required(for: .stop)
        let result = state.withLock { state -> Result<ConnectionSlot, ProtocolError> in
            // A client may connect between the bind and the end of `start` (the socket exists
            // from the bind on): it is admitted like any other. Only a server that is
            // stopping, or stopped, turns connections away.
            switch state.phase {
            case .running, .starting: break
            default: return .failure(ProtocolError(.shuttingDown, "the daemon is shutting down"))
            }
            let general = state.connections.values.filter { $0.slot == .general }
            let stopOnly = state.connections.values.filter { $0.slot == .stopOnly }
            let mine = general.filter { $0.uid == peer.uid }.count
            let slot: ConnectionSlot
            if general.count < limit, mine < perUID {
                slot = .general
            } else if mayStop, stopOnly.count < reserved, !stopOnly.contains(where: { $0.uid == peer.uid }) {
                slot = .stopOnly
            } else if mine >= perUID {
                return .failure(ProtocolError(.busy, "uid \(peer.uid) already holds \(mine) control connections (limit \(perUID) per user)"))
            } else {
                return .failure(ProtocolError(.busy, "too many control connections (limit \(limit))"))
            }
            state.connections[key] = Connection(channel: channel, uid: peer.uid, slot: slot)
            return .success(slot)
        }
        if case .success = result {
            channel.closeFuture.whenComplete { [self] _ in
                _ = state.withLock { $0.connections.removeValue(forKey: key) }
            }
        }
        return result
    }
}

/// What a connection was let in for.
enum ConnectionSlot: Sendable, Equatable {
    /// Any command its role allows.
    case general
    /// One `stop`, on a slot kept for it when the others are taken.
    case stopOnly
}

extension PeerCredentials {
    /// Reads SO_PEERCRED of a connected Unix socket channel.
    static func read(from channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(PeerCredentialsUnavailable())
        }
        return provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)).map { (credentials: UCred) in
            PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
        }
        #else
        return channel.eventLoop.makeFailedFuture(PeerCredentialsUnavailable())
        #endif
    }
}

/// Layout of Linux's `struct ucred` (pid_t, uid_t, gid_t), which Glibc's Swift module does not
/// export (it needs _GNU_SOURCE).
private struct UCred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// The connection's peer credentials could not be read; the connection is closed.
struct PeerCredentialsUnavailable: Error {}
