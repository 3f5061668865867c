import Logging
import NeedleCore
import NeedleProtocol
import NeedleSim
import Testing
@testable import NeedleDaemon

/// The router's own decisions: who may change the mode, and sim commands without a sim.
@Suite("Command router")
struct CommandRouterTests {
    /// `user` (uid 1000) is an operator unless a test says otherwise.
    func router(policy: AccessPolicy = AccessPolicy(operatorUIDs: [1000]), simulated: Bool = true)
        -> (CommandRouter, SimLoopHarness)
    {
        let h = SimLoopHarness()
        let router = CommandRouter(
            loop: h.loop, clock: h.clock, policy: policy, hardware: .simulated,
            sim: simulated ? SimControl(pen: h.pen) : nil, calibrationStore: .nowhere, logger: Logger(label: "test"),
            groupsOf: { _ in [] })
        return (router, h)
    }

    func code(_ result: Result<ResultPayload, ProtocolError>) -> ErrorCode? {
        if case .failure(let error) = result { error.code } else { nil }
    }

    let user = PeerCredentials(pid: 1, uid: 1000, gid: 1000)

    @Test("an unlisted peer is refused clinical mode with unauthorized; the mode stays home")
    func unlistedRefused() {
        let (r, h) = router(policy: AccessPolicy(operatorUIDs: [1000], clinicianUIDs: [1001], clinicianGIDs: [2000]))
        #expect(code(r.handle(.mode(.clinical), from: user)) == .unauthorized)
        #expect(h.loop.status().mode == .home)
    }

    @Test("root, a listed uid, a listed primary gid and a listed supplementary group are clinicians")
    func clinicians() {
        let policy = AccessPolicy(clinicianUIDs: [1001], clinicianGIDs: [2000])
        #expect(policy.mayUseClinical(uid: 0, gid: 0, groupsOf: { _ in [] }))
        #expect(policy.mayUseClinical(uid: 1001, gid: 1001, groupsOf: { _ in [] }))
        #expect(policy.mayUseClinical(uid: 1002, gid: 2000, groupsOf: { _ in [] }))
        #expect(policy.mayUseClinical(uid: 1003, gid: 1003, groupsOf: { _ in [1003, 2000] }))
        #expect(!policy.mayUseClinical(uid: 1004, gid: 1004, groupsOf: { _ in [1004, 27] }))
    }

    @Test("a listed clinician switches to clinical while idle; an operator may switch back to home")
    func clinicianSwitches() {
        let (r, h) = router(policy: AccessPolicy(operatorUIDs: [4242], clinicianUIDs: [1000]))
        #expect(code(r.handle(.mode(.clinical), from: user)) == nil)
        #expect(h.loop.status().mode == .clinical)
        #expect(code(r.handle(.mode(.home), from: PeerCredentials(pid: 2, uid: 4242, gid: 4242))) == nil)
        #expect(h.loop.status().mode == .home)
    }

    @Test("sim commands on a daemon without the simulator are refused with not_simulated")
    func simWithoutSim() {
        let (r, _) = router(simulated: false)
        #expect(code(r.handle(.sim(.depth(depthMM: 0.5)), from: user)) == .notSimulated)
    }

    @Test("a sim depth outside the collar's travel is an invalid request and moves nothing")
    func simDepthRange() {
        let (r, h) = router()
        let before = h.pen.snapshot().collarTargetMM
        #expect(code(r.handle(.sim(.depth(depthMM: 9)), from: user)) == .invalidRequest)
        #expect(h.pen.snapshot().collarTargetMM == before)
    }

    @Test("refusals from the supervisor reach the wire with their own codes")
    func refusalCodes() {
        let (r, _) = router()
        #expect(code(r.handle(.start, from: user)) == .notArmed)
        let arm = (try? ArmArguments(depthMM: 1.0)).map { Command.arm($0) }
        if let arm { #expect(code(r.handle(arm, from: user)) == .depthOutOfRange) } else { Issue.record("bad args") }
    }
}
