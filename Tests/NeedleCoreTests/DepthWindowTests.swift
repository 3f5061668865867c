import Testing
@testable import NeedleCore

/// Rule 1: the depth windows of each mode, at arming time. Targets keep the ±0.05 mm
/// tolerance inside the limit: home 0.05–0.95 (limit: under 1.00), clinical 1.00–2.95
/// (limit: 3.00 at most).
@Suite("Rule 1 — depth windows when arming")
struct DepthWindowTests {
    @Test("home: target 0.95 arms; 0.96 and 1.00 are refused as depth_out_of_range")
    func homeWindow() {
        var h = CoreHarness()
        h.settle(at: 0.5)
        #expect((try? h.command(.arm(Plan(targetDepthMM: 0.95))).get()) != nil)
        #expect(h.supervisor.state == .armed)
        _ = h.command(.disarm)
        for bad in [0.96, 1.00] {
            let refused = h.command(.arm(Plan(targetDepthMM: bad)))
            #expect(h.refusalCode(refused) == .depthOutOfRange, "target \(bad)")
            #expect(h.supervisor.state == .idle)
            #expect(h.supervisor.plan == nil)
        }
    }

    @Test("home: 0.05 is the shallowest target, 0.04 and negative depths are refused")
    func homeLowerBound() {
        var h = CoreHarness()
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.05)))) == nil)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.04)))) == .depthOutOfRange)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: -1)))) == .depthOutOfRange)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: .nan)))) == .depthOutOfRange)
    }

    @Test("clinical: 1.00 and 2.95 arm; 0.95, 0.99, 2.96, 3.00 and 3.05 are refused")
    func clinicalWindow() throws {
        var h = CoreHarness()
        _ = try h.command(.setMode(.clinical, authorized: true)).get()
        for ok in [1.00, 2.95] {
            #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: ok, client: "C-1")))) == nil, "target \(ok)")
        }
        _ = h.command(.disarm)
        for bad in [0.95, 0.99, 2.96, 3.00, 3.05] {
            #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: bad, client: "C-1")))) == .depthOutOfRange, "target \(bad)")
            #expect(h.supervisor.state == .idle)
        }
    }

    @Test("the limit's edge: home excludes 1.00 itself, clinical includes 3.00 itself")
    func limitEdges() {
        let home = Mode.home.window
        #expect(!home.isBeyondLimit(0.999))
        #expect(home.isBeyondLimit(1.00))
        let clinical = Mode.clinical.window
        #expect(!clinical.isBeyondLimit(3.00))
        #expect(clinical.isBeyondLimit(3.001))
        #expect(home.isBeyondLimit(.nan) && clinical.isBeyondLimit(.nan), "NaN is no evidence of a safe depth")
    }

    @Test("speed outside 1...10 and bad durations are invalid requests that change nothing")
    func outOfRangeNumbers() {
        var h = CoreHarness()
        for plan in [Plan(targetDepthMM: 0.5, speedLevel: 0), Plan(targetDepthMM: 0.5, speedLevel: 11),
                     Plan(targetDepthMM: 0.5, durationS: 0), Plan(targetDepthMM: 0.5, durationS: 3601),
                     Plan(targetDepthMM: 0.5, durationS: .infinity)] {
            #expect(h.refusalCode(h.command(.arm(plan))) == .invalidRequest)
            #expect(h.supervisor.state == .idle)
            #expect(h.supervisor.plan == nil)
        }
    }

    @Test("speed levels map linearly from 50 Hz (level 1) to 150 Hz (level 10)")
    func speedMapping() {
        #expect(Plan.strokeRateHz(level: 1) == 50)
        #expect(Plan.strokeRateHz(level: 10) == 150)
        #expect(abs(Plan.strokeRateHz(level: 5) - 94.444) < 0.001)
    }
}
