import Logging
import NeedleConfig
import NeedleProtocol
import Synchronization
import Testing
@testable import NeedleDaemon

/// Roles on the socket: observer ⊂ operator ⊂ clinician, root always a clinician, and a
/// peer with no role refused everything (DESIGN.md §3 rule 7).
@Suite("Roles")
struct RoleTests {
    static let observer = PeerCredentials(pid: 11, uid: 1001, gid: 1001)
    static let `operator` = PeerCredentials(pid: 12, uid: 1002, gid: 1002)
    static let clinician = PeerCredentials(pid: 13, uid: 1003, gid: 1003)
    static let nobody = PeerCredentials(pid: 14, uid: 4242, gid: 4242)
    static let policy = AccessPolicy(observerUIDs: [1001], operatorUIDs: [1002], clinicianUIDs: [1003])

    func router(_ policy: AccessPolicy = RoleTests.policy,
                groupsOf: @escaping @Sendable (UInt32) -> [UInt32] = { _ in [] }) -> (CommandRouter, SimLoopHarness) {
        let h = SimLoopHarness()
        let router = CommandRouter(
            loop: h.loop, clock: h.clock, policy: policy, hardware: .simulated, sim: SimControl(pen: h.pen),
            calibrationStore: .nowhere, logger: Logger(label: "test"), groupsOf: groupsOf)
        return (router, h)
    }

    func failure(of reply: Reply) -> ProtocolError? {
        if case .failure(let error) = reply.outcome { error } else { nil }
    }

    func refusal(_ result: Result<ResultPayload, ProtocolError>) -> ProtocolError? {
        if case .failure(let error) = result { error } else { nil }
    }

    @Test("the role a command needs: status/watch observer, treatment and sim operator; clinical, calibrate and override clinician")
    func requiredRoles() throws {
        #expect(Role.required(for: .status) == .observer)
        #expect(Role.required(for: .watch(try WatchArguments(intervalMS: 100))) == .observer)
        for command: Command in [.arm(try ArmArguments(depthMM: 0.5)), .arm(try ArmArguments(area: "neck")),
                                 .disarm, .start, .stop, .clear, .selftest, .sim(.depth(depthMM: 0.5)), .mode(.home)] {
            #expect(Role.required(for: command) == .operator, "\(command)")
        }
        for command: Command in [.mode(.clinical), .calibrate(.zero), .calibrate(.span(depthMM: 1)),
                                 .arm(try ArmArguments(depthMM: 0.9, area: "forehead", override: true))] {
            #expect(Role.required(for: command) == .clinician, "\(command)")
        }
        #expect(Role.observer < .operator && Role.operator < .clinician)
    }

    @Test("roles by uid; root is always a clinician; an unlisted uid has none")
    func byUID() {
        let none: (UInt32) -> [UInt32] = { _ in [] }
        #expect(Self.policy.role(uid: 1001, gid: 1, groupsOf: none) == .observer)
        #expect(Self.policy.role(uid: 1002, gid: 1, groupsOf: none) == .operator)
        #expect(Self.policy.role(uid: 1003, gid: 1, groupsOf: none) == .clinician)
        #expect(Self.policy.role(uid: 0, gid: 0, groupsOf: none) == .clinician)
        #expect(AccessPolicy().role(uid: 0, gid: 0, groupsOf: none) == .clinician)
        #expect(Self.policy.role(uid: 4242, gid: 4242, groupsOf: none) == nil)
    }

    @Test("roles by primary gid (SO_PEERCRED); the highest listed role wins")
    func byPrimaryGID() {
        let policy = AccessPolicy(observerGIDs: [500], operatorGIDs: [600], clinicianGIDs: [700])
        let none: (UInt32) -> [UInt32] = { _ in [] }
        #expect(policy.role(uid: 2000, gid: 500, groupsOf: none) == .observer)
        #expect(policy.role(uid: 2000, gid: 600, groupsOf: none) == .operator)
        #expect(policy.role(uid: 2000, gid: 700, groupsOf: none) == .clinician)
        #expect(policy.role(uid: 2000, gid: 800, groupsOf: none) == nil)
        let both = AccessPolicy(observerUIDs: [2000], clinicianGIDs: [700])
        #expect(both.role(uid: 2000, gid: 700, groupsOf: none) == .clinician)
    }

    @Test("roles by a supplementary group of the peer's user (injected group list)")
    func bySupplementaryGroup() {
        let policy = AccessPolicy(observerGIDs: [500], operatorGIDs: [600], clinicianGIDs: [700])
        #expect(policy.role(uid: 2001, gid: 2001, groupsOf: { _ in [2001, 27, 600] }) == .operator)
        #expect(policy.role(uid: 2002, gid: 2002, groupsOf: { _ in [500, 700] }) == .clinician)
        #expect(policy.role(uid: 2003, gid: 2003, groupsOf: { _ in [2003, 27] }) == nil)
        // The router asks its injected lookup too.
        let (r, _) = router(policy, groupsOf: { $0 == 2001 ? [600] : [] })
        #expect(r.role(of: PeerCredentials(pid: 1, uid: 2001, gid: 2001)) == .operator)
        #expect(r.role(of: PeerCredentials(pid: 1, uid: 2002, gid: 2002)) == nil)
    }

    @Test("an observer may read status but is refused arm with unauthorized naming the operator role")
    func observerRefusedArm() throws {
        let (r, h) = router()
        #expect(refusal(r.handle(.status, from: Self.observer)) == nil)
        #expect(r.authorize(.watch(try WatchArguments(intervalMS: 100)), peer: Self.observer) == nil)
        let error = refusal(r.handle(.arm(try ArmArguments(depthMM: 0.5)), from: Self.observer))
        #expect(error?.code == .unauthorized)
        #expect(error?.message.contains("operator") == true, "\(String(describing: error))")
        #expect(h.loop.status().plan == nil)
        #expect(refusal(r.handle(.sim(.depth(depthMM: 0.5)), from: Self.observer))?.code == .unauthorized)
    }

    @Test("an operator may narrow to home but is refused mode clinical, naming the clinician role")
    func operatorRefusedClinical() {
        let (r, h) = router()
        let error = refusal(r.handle(.mode(.clinical), from: Self.operator))
        #expect(error?.code == .unauthorized)
        #expect(error?.message.contains("clinician") == true, "\(String(describing: error))")
        #expect(h.loop.status().mode == .home)
        #expect(refusal(r.handle(.mode(.clinical), from: Self.clinician)) == nil)
        #expect(h.loop.status().mode == .clinical)
        #expect(refusal(r.handle(.mode(.home), from: Self.operator)) == nil)
        #expect(h.loop.status().mode == .home)
        #expect(refusal(r.handle(.mode(.home), from: Self.observer))?.code == .unauthorized)
    }

    @Test("a peer with no role is refused status and watch with unauthorized")
    func noRoleRefusedEverything() throws {
        let (r, _) = router()
        let status = refusal(r.handle(.status, from: Self.nobody))
        #expect(status?.code == .unauthorized)
        #expect(status?.message.contains("has no role") == true)
        let watch = r.authorize(.watch(try WatchArguments(intervalMS: 100)), peer: Self.nobody)
        #expect(watch?.code == .unauthorized)
        #expect(watch?.message.contains("observer") == true)
        #expect(refusal(r.handle(.stop, from: Self.nobody))?.code == .unauthorized)
    }

    @Test("a new policy applies to the next request")
    func livePolicy() {
        let (r, _) = router()
        #expect(refusal(r.handle(.status, from: Self.nobody))?.code == .unauthorized)
        r.setPolicy(AccessPolicy(observerUIDs: [4242]))
        #expect(refusal(r.handle(.status, from: Self.nobody)) == nil)
        #expect(refusal(r.handle(.status, from: Self.operator))?.code == .unauthorized)
    }

    @Test("a new policy changes the access generation, and a peer whose role it removed is no longer admitted")
    func reloadRevokesAdmission() throws {
        let (r, _) = router()
        let before = r.accessGeneration
        #expect(try r.admit(Self.observer).get() == .observer)
        if case .success = r.admit(Self.nobody) { Issue.record("a peer with no role was admitted") }
        // The reload (ConfigReloader calls setPolicy) drops the observer.
        r.setPolicy(AccessPolicy(operatorUIDs: [1002], clinicianUIDs: [1003]))
        #expect(r.accessGeneration != before, "open connections must see the change")
        guard case .failure(let refusal) = r.admit(Self.observer) else {
            Issue.record("the revoked observer is still admitted")
            return
        }
        #expect(refusal.code == .unauthorized)
        #expect(refusal.message.contains("uid 1001 has no role"))
    }

    @Test("the server asks the handler before watch: a refused watcher gets unauthorized and no telemetry")
    func serverRefusesWatch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let handler = RefusingHandler()
        let server = ControlServer(configuration: .init(socketPath: directory.socketPath), handler: handler)
        try await server.start()
        do {
            let client = try TestClient(path: directory.socketPath, timeoutSeconds: 2)
            try client.send(#"{"id":7,"cmd":"watch","args":{"interval_ms":10}}"# + "\n")
            let reply = try client.readReply()
            #expect(reply.id == 7)
            #expect(failure(of: reply)?.code == .unauthorized)
            try client.send(#"{"id":8,"cmd":"status","args":{}}"# + "\n")
            let second = try client.readReply()
            #expect(second.id == 8, "the next line must be the status reply, not telemetry")
            #expect(failure(of: second)?.code == .unauthorized)
            #expect(handler.statusCalls == 0)
            #expect(handler.handled == 0)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("[access] names resolve once; an unknown name is a config error naming the field")
    func resolving() throws {
        var access = AccessSection()
        access.operatorUsers = ["1002"]
        access.observerGroups = ["500"]
        let policy = try AccessPolicy(resolving: access, clinicianUsers: ["1003"], resolver: .numeric)
        #expect(policy == AccessPolicy(observerGIDs: [500], operatorUIDs: [1002], clinicianUIDs: [1003]))
        access.operatorGroups = ["nurses"]
        #expect(throws: ConfigError.self) { try AccessPolicy(resolving: access, resolver: .numeric) }
        do {
            _ = try AccessPolicy(resolving: access, resolver: .numeric)
        } catch {
            #expect(error.field == "access.operator_groups")
            #expect(error.kind == .unknownName)
            #expect(error.description == "access.operator_groups = \"nurses\": no such group on this system")
        }
    }
}

/// A handler that refuses every command, counting what reaches it.
final class RefusingHandler: RequestHandler {
    private let counts = Mutex((handled: 0, status: 0))
    var handled: Int { counts.withLock { $0.handled } }
    var statusCalls: Int { counts.withLock { $0.status } }

    func authorize(_ command: Command, peer: PeerCredentials) -> ProtocolError? {
        ProtocolError(.unauthorized, "\(command.name.rawValue) needs the observer role")
    }

    func handle(_ command: Command, from peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        counts.withLock { $0.handled += 1 }
        return .success(.empty)
    }

    func status() -> StatusResult {
        counts.withLock { $0.status += 1 }
        return FakeRequestHandler.initialStatus
    }
}
