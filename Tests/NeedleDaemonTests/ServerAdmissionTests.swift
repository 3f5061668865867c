import NIOCore
import NeedleDaemon
import NeedleProtocol
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A handler with a role per uid, as the router has from its access policy; `revoke`
/// stands for a configuration reload (SIGHUP) that takes a role away.
final class RoleFakeHandler: RequestHandler {
    private struct State {
        var roles: [UInt32: Role]
        var generation: UInt64 = 0
        var calls: [(Command, PeerCredentials)] = []
    }
    private let state: Mutex<State>

    init(roles: [UInt32: Role]) { state = Mutex(State(roles: roles)) }

    var calls: [(Command, PeerCredentials)] { state.withLock { $0.calls } }

    func revoke(uid: UInt32) {
        state.withLock {
            $0.roles[uid] = nil
            $0.generation += 1
        }
    }

    func admit(_ peer: PeerCredentials) -> Result<Role, ProtocolError> {
        if let role = state.withLock({ $0.roles[peer.uid] }) { return .success(role) }
        return .failure(ProtocolError(.unauthorized, "connection refused: uid \(peer.uid) has no role on this pen"))
    }

    var accessGeneration: UInt64 { state.withLock { $0.generation } }

    func authorize(_ command: Command, peer: PeerCredentials) -> ProtocolError? {
        let role = state.withLock { $0.roles[peer.uid] }
        if let role, role >= Role.required(for: command) { return nil }
        return ProtocolError(.unauthorized, "needs the \(Role.required(for: command)) role")
    }

    func handle(_ command: Command, from peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        state.withLock { $0.calls.append((command, peer)) }
        if case .status = command { return .success(.status(status())) }
        return .success(.empty)
    }

    func status() -> StatusResult { FakeRequestHandler.initialStatus }
}

/// A server whose clients are told apart by the path they bind to: `client(uid:)` connects
/// as that uid. Unbound clients are `defaultUID`.
final class IdentityServer {
    let server: ControlServer
    let handler: RoleFakeHandler
    let directory: TemporaryDirectory
    private let counter = Mutex(0)
    private let bound = Mutex<[String]>([])

    init(
        roles: [UInt32: Role], defaultUID: UInt32 = 2001, maxConnections: Int = 32, perUID: Int = 8,
        reserved: Int = 4, limits: ClientLimits = ClientLimits()
    ) throws {
        directory = try TemporaryDirectory()
        handler = RoleFakeHandler(roles: roles)
        server = ControlServer(
            configuration: .init(
                socketPath: directory.socketPath, maxConnections: maxConnections, maxConnectionsPerUID: perUID,
                reservedStopSlots: reserved, limits: limits,
                credentialsOverride: { kernel, path in
                    // ".../u2001-7": uid 2001, pid 7.
                    guard let name = path?.split(separator: "/").last, name.hasPrefix("u"),
                        let dash = name.firstIndex(of: "-"),
                        let uid = UInt32(name[name.index(after: name.startIndex)..<dash]),
                        let pid = Int32(name[name.index(after: dash)...])
                    else { return PeerCredentials(pid: kernel.pid, uid: defaultUID, gid: defaultUID) }
                    return PeerCredentials(pid: pid, uid: uid, gid: uid)
                }),
            handler: handler)
    }

    var path: String { directory.socketPath }

    func client(uid: UInt32) throws -> RawClient {
        let n = counter.withLock { $0 += 1; return $0 }
        let own = directory.path + "/u\(uid)-\(n)"
        bound.withLock { $0.append(own) }
        return try RawClient(path: directory.socketPath, bindPath: own)
    }

    func run(_ body: (IdentityServer) async throws -> Void) async throws {
        try await server.start()
        do { try await body(self) } catch {
            await server.stop()
            cleanUp()
            throw error
        }
        await server.stop()
        cleanUp()
    }

    private func cleanUp() {
        for path in bound.withLock({ $0 }) { unlink(path) }
        directory.remove()
    }
}

/// Polls with a thread sleep, not Task.sleep: with the whole suite running, blocking test
/// clients hold the cooperative pool and a task's wake-up can come seconds late.
private func poll(within seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

private func status(_ id: Int) -> String { #"{"id":\#(id),"cmd":"status"}"# + "\n" }
private func stop(_ id: Int) -> String { #"{"id":\#(id),"cmd":"stop"}"# + "\n" }

private func errorCode(_ reply: Reply) -> ErrorCode? {
    if case .failure(let error) = reply.outcome { error.code } else { nil }
}

/// `stop` must always get through (issue 9 §2.18): a group member with no role once held all
/// 32 connections (admitted before any role check; a byte every 20 s kept it alive; watchers
/// never timed out), and `needlectl stop` got `busy`.
@Suite("Control server admission: roles, per-user caps and a way in for stop", .timeLimit(.minutes(1)))
struct ServerAdmissionTests {
    @Test("one uid fills its own cap and is refused busy beyond it; another uid still gets in")
    func perUIDCap() async throws {
        try await IdentityServer(roles: [2001: .observer, 2002: .observer], maxConnections: 8, perUID: 3).run { s in
            var mine: [RawClient] = []
            for id in 1...3 {
                let client = try s.client(uid: 2001)
                client.send(status(id))
                #expect(try client.readReply().id == Int64(id))
                mine.append(client)
            }
            let fourth = try s.client(uid: 2001)
            let refused = try #require(fourth.readUntilClosed())
            #expect(refused.count == 1 && refused[0].contains("\"busy\"") && refused[0].contains("per user"), "\(refused)")
            let other = try s.client(uid: 2002)
            other.send(status(9))
            #expect(try other.readReply().id == 9)
            #expect(poll(within: 30) { s.server.connectionCount == 4 })
            withExtendedLifetime(mine) {}
        }
    }

    @Test("a peer with no role is refused at connect with a clear error and takes no slot")
    func noRoleRefusedAtAdmission() async throws {
        try await IdentityServer(roles: [2003: .operator], maxConnections: 2, perUID: 2).run { s in
            // Forty connections from a group member without a role, all kept open on its side.
            var held: [RawClient] = []
            for _ in 0..<40 {
                let client = try s.client(uid: 3000)
                let lines = try #require(client.readUntilClosed(), "a role-less peer must be closed at once")
                #expect(lines.count == 1, "\(lines)")
                #expect(lines.first?.contains("\"unauthorized\"") == true && lines.first?.contains("no role") == true, "\(lines)")
                held.append(client)
            }
            #expect(s.server.connectionCount == 0)
            // Both slots are still free for the operator.
            let first = try s.client(uid: 2003)
            let second = try s.client(uid: 2003)
            first.send(status(1))
            second.send(stop(2))
            #expect(try first.readReply().id == 1)
            let stopped = try second.readReply()
            #expect(stopped.id == 2 && errorCode(stopped) == nil)
            #expect(s.handler.calls.allSatisfy { $0.1.uid == 2003 }, "nothing of the role-less peer reached the handler")
            withExtendedLifetime(held) {}
        }
    }

    @Test("stop from an operator succeeds while every slot is taken; anything else on that slot is busy")
    func stopGetsThroughWhenFull() async throws {
        // The hogs are watchers that never read: a long drain timeout keeps them in their
        // slots for the whole test, however slowly a busy machine runs it.
        let limits = ClientLimits(drainTimeout: .seconds(60), stopSlotTimeout: .milliseconds(500))
        try await IdentityServer(
            roles: [2001: .observer, 2002: .observer, 2003: .operator], maxConnections: 4, perUID: 2, reserved: 2,
            limits: limits
        ).run { s in
            var hogs: [RawClient] = []
            for uid: UInt32 in [2001, 2001, 2002, 2002] {
                let client = try s.client(uid: uid)
                client.send(#"{"id":1,"cmd":"watch","args":{"interval_ms":1000}}"# + "\n")
                _ = try client.readReply()
                hogs.append(client)
            }
            #expect(s.server.connectionCount == 4)
            // An observer gets nothing more: it may not stop.
            let observer = try s.client(uid: 2002)
            #expect(try #require(observer.readUntilClosed()).first?.contains("\"busy\"") == true)
            // The operator's status is refused busy on the stop slot, and that slot is closed.
            let asksStatus = try s.client(uid: 2003)
            asksStatus.send(status(5))
            let busy = try asksStatus.readReply()
            #expect(errorCode(busy) == .busy && busy.id == 5)
            #expect(asksStatus.readUntilClosed() != nil)
            // The client sees the close before the server's event loop has freed the slot;
            // wait for the server's count (the bound is the machine's, not a rule of the pen).
            #expect(poll(within: 30) { s.server.connectionCount == 4 })
            // The operator's stop goes through.
            let stops = try s.client(uid: 2003)
            stops.send(stop(6))
            let stopped = try stops.readReply()
            #expect(stopped.id == 6 && errorCode(stopped) == nil, "\(stopped)")
            #expect(s.handler.calls.contains { if case .stop = $0.0 { $0.1.uid == 2003 } else { false } })
            // A stop slot left silent is closed after its deadline and frees itself.
            let silent = try s.client(uid: 2003)
            #expect(silent.readUntilClosed() != nil)
            let again = try s.client(uid: 2003)
            again.send(stop(7))
            #expect(try again.readReply().id == 7)
            withExtendedLifetime(hogs) {}
        }
    }

    @Test("an operator whose own share is taken by its watchers still gets stop through")
    func stopGetsThroughPastOwnCap() async throws {
        let limits = ClientLimits(drainTimeout: .seconds(60))
        try await IdentityServer(roles: [2003: .operator], maxConnections: 32, perUID: 2, limits: limits).run { s in
            var watchers: [RawClient] = []
            for _ in 0..<2 {
                let client = try s.client(uid: 2003)
                client.send(#"{"id":1,"cmd":"watch","args":{"interval_ms":1000}}"# + "\n")
                _ = try client.readReply()
                watchers.append(client)
            }
            #expect(s.server.connectionCount == 2)
            let stops = try s.client(uid: 2003)
            stops.send(stop(3))
            let stopped = try stops.readReply()
            #expect(stopped.id == 3 && errorCode(stopped) == nil, "\(stopped)")
            withExtendedLifetime(watchers) {}
        }
    }

    @Test("a client that trickles bytes without completing a request is dropped at the idle timeout")
    func tricklingClientIsDropped() async throws {
        try await IdentityServer(roles: [2001: .operator], limits: ClientLimits(idleTimeout: .seconds(1))).run { s in
            let trickler = try s.client(uid: 2001)
            trickler.send(#"{"id":1,"#)
            #expect(poll(within: 30) { s.server.connectionCount == 1 })
            // One byte every 100 ms for 3 s: each used to reset the idle timer. The drop must
            // come while the trickle goes on, not after it stops.
            var droppedWhileTrickling = false
            for _ in 0..<30 {
                usleep(100_000)
                if s.server.connectionCount == 0 {
                    droppedWhileTrickling = true
                    break
                }
                trickler.send(" ")
            }
            #expect(droppedWhileTrickling, "the trickling client must be dropped at the idle timeout")
        }
    }

    @Test("a watcher that does not read its events is dropped; one that reads stays")
    func nonDrainingWatcherIsDropped() async throws {
        let limits = ClientLimits(drainTimeout: .seconds(1))
        try await IdentityServer(roles: [2001: .observer, 2002: .observer], limits: limits).run { s in
            let deaf = try s.client(uid: 2001)
            let reader = try s.client(uid: 2002)
            deaf.send(#"{"id":1,"cmd":"watch","args":{"interval_ms":100}}"# + "\n")
            reader.send(#"{"id":1,"cmd":"watch","args":{"interval_ms":100}}"# + "\n")
            // The reader reads for 3 s; the deaf watcher never reads.
            let until = ContinuousClock.now + .seconds(3)
            var events = 0
            while ContinuousClock.now < until {
                guard try reader.readLine() != nil else { break }
                events += 1
            }
            #expect(events > 10, "the reading watcher kept getting events")
            #expect(poll(within: 30) { s.server.connectionCount == 1 }, "the deaf watcher must be dropped")
            reader.send(status(2))
            var answered = false
            // Telemetry piled up while the deaf watcher was awaited (seconds under load, ten
            // events a second): read past all of it, bounded by time, not by a line count.
            let answerBy = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < answerBy {
                guard let line = try reader.readLine() else { break }
                if line.contains("\"id\":2") { answered = true; break }
            }
            #expect(answered, "the reading watcher is still served")
        }
    }

    @Test("a role revoked by a reload ends that peer's running watch and its connection")
    func revokedRoleEndsWatch() async throws {
        try await IdentityServer(roles: [2001: .observer, 2002: .observer]).run { s in
            let revoked = try s.client(uid: 2001)
            let kept = try s.client(uid: 2002)
            for client in [revoked, kept] {
                client.send(#"{"id":1,"cmd":"watch","args":{"interval_ms":50}}"# + "\n")
                _ = try client.readReply()
            }
            s.handler.revoke(uid: 2001)
            // The revoked watcher reaches the end of its stream, its last line the reason.
            var last: String?
            let until = ContinuousClock.now + .seconds(3)
            var ended = false
            while ContinuousClock.now < until {
                guard let line = try revoked.readLine() else { ended = true; break }
                last = line
            }
            #expect(ended, "the revoked peer's watch kept streaming")
            #expect(last?.contains("unauthorized") == true && last?.contains("reloaded") == true, "\(last ?? "nil")")
            #expect(try kept.readLine() != nil, "the other watcher streams on")
            #expect(poll(within: 30) { s.server.connectionCount == 1 })
        }
    }
}
