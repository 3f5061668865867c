import Logging
import NeedleCore
import NeedleProtocol
import Synchronization
import Testing
@testable import NeedleDaemon


/// Refusal logging is rate-limited per uid, so a flood cannot spend journald's budget
/// (10,000 lines per 30 s per service by default) and get `fault latched` lines dropped
/// (issue 9 §2.20). Faults and state changes are never limited.
@Suite("Refusal log rate limit", .timeLimit(.minutes(1)))
struct RefusalLogTests {
    static let second: UInt64 = 1_000_000_000

    @Test("1,600 refusals a second for 30 s from one uid log a few dozen lines, and summaries count the rest")
    func floodIsBounded() {
        let log = CapturedLog()
        let refusals = RefusalLog(logger: log.logger, nowNs: 0)
        var now: UInt64 = 0
        let total = 1_600 * 30
        for index in 0..<total {
            now = UInt64(index) * (Self.second / 1_600)
            refusals.refused(uid: 4242, nowNs: now) { $0.info("refused", metadata: ["uid": "4242"]) }
        }
        refusals.flush(nowNs: now + 10 * Self.second)
        let lines = log.count { $0.message == "refused" }
        let summaries = log.all.filter { $0.message.contains("not logged") }
        // 10 at once, then 1 a second: far below journald's 10,000 per 30 s.
        #expect(lines <= 10 + 31, "\(lines) refusal lines")
        #expect(lines >= 10)
        #expect(summaries.count >= 3 && summaries.count <= 5, "\(summaries.count) summaries")
        let counted = summaries.compactMap { $0.metadata["suppressed"].flatMap(Int.init) }.reduce(0, +)
        #expect(lines + counted == total, "every refusal is logged or counted in a summary")
        #expect(summaries.allSatisfy { $0.metadata["uid"] == "4242" && $0.level == .warning })
    }

    @Test("one uid's flood does not silence another uid's first refusals")
    func perUID() {
        let log = CapturedLog()
        let refusals = RefusalLog(logger: log.logger, nowNs: 0)
        for _ in 0..<1_000 { refusals.refused(uid: 4242, nowNs: 1) { $0.info("refused", metadata: ["uid": "4242"]) } }
        refusals.refused(uid: 1002, nowNs: 2) { $0.info("refused", metadata: ["uid": "1002"]) }
        #expect(log.count { $0.metadata["uid"] == "1002" } == 1)
        #expect(log.count { $0.metadata["uid"] == "4242" } == 10)
    }

    @Test("through the router: a role-less flood is bounded while mode changes and latched faults are all logged")
    func routerFloodKeepsFaultsAndStateChanges() throws {
        let log = CapturedLog()
        let h = SimLoopHarness()
        let router = CommandRouter(
            loop: h.loop, clock: h.clock, policy: AccessPolicy(operatorUIDs: [1002], clinicianUIDs: [1003]),
            hardware: .simulated, sim: SimControl(pen: h.pen), calibrationStore: .nowhere, logger: log.logger,
            groupsOf: { _ in [] })
        var journal = EventJournal(logger: log.logger)
        journal.observe(h.loop.status())
        let nobody = PeerCredentials(pid: 77, uid: 4242, gid: 4242)
        let clinician = PeerCredentials(pid: 13, uid: 1003, gid: 1003)
        // One virtual second of a role-less flood: connections and requests.
        for index in 0..<1_600 {
            if index % 2 == 0 {
                _ = router.admit(nobody)
            } else {
                _ = router.handle(.status, from: nobody)
            }
            if index % 100 == 0 { h.clock.advance(nanoseconds: 62_500_000 / 2) }
        }
        // A state change and a latched fault in the middle of it.
        _ = try router.handle(.mode(.clinical), from: clinician).get()
        _ = router.handle(.sim(.fault(.estop, clear: false)), from: clinician)
        h.tick(5)
        journal.observe(h.loop.status())
        for _ in 0..<1_600 { _ = router.handle(.arm(try ArmArguments(depthMM: 0.5)), from: nobody) }
        let refusalLines = log.count { $0.metadata["uid"] == "4242" && !$0.message.contains("not logged") }
        #expect(refusalLines <= 12, "\(refusalLines) refusal lines for 3,200 refusals")
        #expect(log.count { $0.message == "mode changed" && $0.metadata["uid"] == "1003" } == 1)
        #expect(log.count { $0.message.contains("fault latched") } == 1, "\(log.all.map(\.message))")
        h.clock.advance(nanoseconds: 11 * Self.second)
        router.refusals.flush(nowNs: h.clock.nowNanoseconds())
        let counted = log.all.filter { $0.message.contains("not logged") }
            .compactMap { $0.metadata["suppressed"].flatMap(Int.init) }.reduce(0, +)
        #expect(refusalLines + counted == 3_200)
    }
}
