import Testing
import NeedleCore

/// The interval guard per client and area, and clinical mode's required client.
@Suite("Clients: the interval per client and area")
struct ClientIntervalTests {
    let guard28 = IntervalGuard()
    let last: Int64 = 1_740_787_200  // 2025-03-01 00:00:00 UTC
    let day: Int64 = 86_400

    /// Records read for `client`: the cheeks were treated `last` for client C-1 only.
    func evidence(client: String?, nowS: Int64) -> IntervalEvidence {
        IntervalEvidence(
            rule: guard28, area: "cheeks", lastAreaSessionS: last, client: client,
            lastClientAreaSessionS: client == "C-1" ? last : nil, newestRecordS: last, nowS: nowS)
    }

    func clinicalHarness() throws -> CoreHarness {
        var h = CoreHarness()
        _ = try h.command(.setMode(.clinical, authorized: true)).get()
        h.settle(at: 1.5)
        return h
    }

    @Test("clinical: a second client's cheeks the same day arm; the same client's are too_soon naming the client")
    func twoClientsSameDay() throws {
        var h = try clinicalHarness()
        let sameDay = last + 3600
        let other = h.command(.armRequest(
            PlanRequest(area: "cheeks", interval: evidence(client: "C-2", nowS: sameDay), client: "C-2"), clinician: true))
        #expect(h.refusalCode(other) == nil, "\(other)")
        #expect(h.supervisor.plan?.client == "C-2")
        _ = h.command(.disarm)
        let same = h.command(.armRequest(
            PlanRequest(area: "cheeks", interval: evidence(client: "C-1", nowS: sameDay), client: "C-1"), clinician: true))
        #expect(h.refusalCode(same) == .tooSoon)
        if case .failure(let refusal) = same {
            #expect(refusal.message.contains("client C-1") && refusal.message.contains("2025-03-29"), "\(refusal.message)")
        }
        #expect(h.supervisor.state == .idle)
        #expect(h.supervisor.plan == nil)
    }

    @Test("home: the area's interval holds whatever --client says (a home pen has one client)")
    func homeIgnoresClient() {
        var h = CoreHarness()
        h.settle(at: 0.75)
        let sameDay = last + 3600
        let refused = h.command(.armRequest(
            PlanRequest(area: "cheeks", interval: evidence(client: "C-2", nowS: sameDay), client: "C-2"), clinician: false))
        #expect(h.refusalCode(refused) == .tooSoon)
        #expect(h.supervisor.state == .idle)
    }

    @Test("clinical: an arm without a client is refused client_required and changes nothing; home arms without one")
    func clinicalNeedsClient() throws {
        var h = try clinicalHarness()
        let refused = h.command(.armRequest(PlanRequest(targetDepthMM: 1.5), clinician: true))
        #expect(h.refusalCode(refused) == .clientRequired)
        #expect(h.supervisor.state == .idle)
        #expect(h.supervisor.plan == nil)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 1.5)))) == .clientRequired)
        _ = try h.command(.armRequest(PlanRequest(targetDepthMM: 1.5, client: "C-9"), clinician: true)).get()
        #expect(h.supervisor.plan?.client == "C-9")
        var home = CoreHarness()
        home.settle(at: 0.5)
        _ = try home.command(.arm(Plan(targetDepthMM: 0.5))).get()
        #expect(home.supervisor.state == .armed)
    }

    @Test("records read for another client than the plan's are refused and change nothing")
    func evidenceForAnotherClient() throws {
        var h = try clinicalHarness()
        let mismatched = h.command(.armRequest(
            PlanRequest(area: "cheeks", interval: evidence(client: "C-2", nowS: last + 3600), client: "C-1"), clinician: true))
        #expect(h.refusalCode(mismatched) == .invalidRequest)
        #expect(h.supervisor.state == .idle)
    }
}
