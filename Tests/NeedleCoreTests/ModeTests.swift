import Testing
@testable import NeedleCore

/// Rule 7: mode changes only while idle and only when authorized; start in home mode.
@Suite("Rule 7 — mode changes")
struct ModeTests {
    @Test("the supervisor starts in home mode")
    func startsHome() {
        #expect(CoreHarness().supervisor.mode == .home)
    }

    @Test("mode change refused for an unauthorized peer, and nothing changes")
    func unauthorizedRefused() {
        var h = CoreHarness()
        #expect(h.refusalCode(h.command(.setMode(.clinical, authorized: false))) == .unauthorized)
        #expect(h.supervisor.mode == .home)
    }

    @Test("mode change refused while running (busy)")
    func refusedWhileRunning() throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        #expect(h.refusalCode(h.command(.setMode(.clinical, authorized: true))) == .busy)
        #expect(h.supervisor.mode == .home)
        #expect(h.tick(depth: 0.5).motorEnable)
    }

    @Test("an authorized change while idle is reported for the journal")
    func authorizedChange() throws {
        var h = CoreHarness()
        let outcome = try h.command(.setMode(.clinical, authorized: true)).get()
        #expect(outcome == .modeChanged(from: .home, to: .clinical))
        #expect(h.supervisor.mode == .clinical)
    }
}
