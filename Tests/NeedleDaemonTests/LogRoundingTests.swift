import Logging
import NeedleCore
import NeedleProtocol
import NeedleSim
import Testing
@testable import NeedleDaemon

/// Depths in log lines are rounded to the micrometre: `0.3`, not `0.30000000000000004`.
@Suite("Log lines round depths")
struct LogRoundingTests {
    @Test("the override journal line and the state-change line give 0.1 + 0.2 mm as 0.3")
    func depthsRounded() throws {
        let log = CapturedLog()
        let h = SimLoopHarness()
        let router = CommandRouter(
            loop: h.loop, clock: h.clock, policy: AccessPolicy(clinicianUIDs: [1003]), hardware: .simulated,
            sim: SimControl(pen: h.pen), calibrationStore: .nowhere, logger: log.logger, groupsOf: { _ in [] })
        var journal = EventJournal(logger: log.logger)
        journal.observe(h.loop.status())
        let clinician = PeerCredentials(pid: 1, uid: 1003, gid: 1003)
        let unrounded = 0.1 + 0.2
        #expect("\(unrounded)" == "0.30000000000000004", "the value this test is about")
        _ = try router.handle(.arm(try ArmArguments(depthMM: unrounded, area: "forehead", override: true)), from: clinician).get()
        journal.observe(h.loop.status())
        let override = try #require(log.all.first { $0.message.contains("override") })
        #expect(override.metadata["depth_mm"] == "0.3")
        let changed = try #require(log.all.first { $0.message == "state changed" })
        #expect(changed.metadata["target_mm"] == "0.3")
        #expect(!log.all.contains { $0.metadata.values.contains { $0.contains("0000000") } })
    }
}
