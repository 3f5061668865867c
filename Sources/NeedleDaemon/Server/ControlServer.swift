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
        /// Connections beyond this are answered `busy` and closed.
        public var maxConnections: Int
        /// A listening socket inherited from systemd (socket activation): served instead of
        /// binding `socketPath`, which is then neither created, chmod-ed nor removed.
        public var inheritedDescriptor: Int32?
        /// Per-client limits against hostile or broken clients (see `ClientLimits`).
        public var limits: ClientLimits

        public init(
            socketPath: String = ControlSocket.defaultPath, socketMode: UInt32 = 0o660,
            socketGroup: UInt32? = nil, maxLineLength: Int = LineFramer.defaultMaxLineLength,
            maxConnections: Int = 32, inheritedDescriptor: Int32? = nil, limits: ClientLimits = ClientLimits()
        ) {
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

    private struct State {
        var phase: Phase = .idle
        var connections: [ObjectIdentifier: any Channel] = [:]
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
            let connections = Array(state.connections.values)
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
                PeerCredentials.read(from: channel).flatMapThrowing { peer in
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(
                            handler: handler, peer: peer, maxLineLength: maxLineLength, limits: limits,
                            admit: { channel in self.admit(channel) }))
                }
            }
    }

    /// Registers a newly active connection, or says why it is refused (the connection handler
    /// then answers with that error and closes).
    private func admit(_ channel: any Channel) -> ProtocolError? {
        let key = ObjectIdentifier(channel)
        let limit = configuration.maxConnections
        let refusal = state.withLock { state -> ProtocolError? in
            guard case .running = state.phase else { return ProtocolError(.shuttingDown, "the daemon is shutting down") }
            guard state.connections.count < limit else {
                return ProtocolError(.busy, "too many control connections (limit \(limit))")
            }
            state.connections[key] = channel
            return nil
        }
        if refusal == nil {
            channel.closeFuture.whenComplete { [self] _ in
                _ = state.withLock { $0.connections.removeValue(forKey: key) }
            }
        }
        return refusal
    }
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
