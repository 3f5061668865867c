import Testing
@testable import NeedleCore

/// Rule 3 at start: a depth is trusted only after 3 consistent valid samples, so one good
/// sample after a glitch or a read error can never be what turns the motor on. (The hazard
/// log's H-S-6 needed a test that calls `start` itself.)
@Suite("Rule 3 — start needs a trusted depth")
struct TrustedStartTests {
    @Test("after an invalid sample, start is refused sensor_invalid on the 1st and 2nd good sample and accepted on the 3rd",
          arguments: [DepthInput.readError, .reading(rawAngle: CoreHarness.raw(0.9), magnetGood: true)])
    func startNeedsThreeConsistentSamples(invalid: DepthInput) throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        h.tick(invalid)  // a read error, or a jump of 0.4 mm in 1 ms: invalid, no fault yet
        #expect(h.supervisor.faults.isEmpty)
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.start)) == .sensorInvalid, "after 1 good sample")
        #expect(!h.tick(depth: 0.5).motorEnable, "a refused start leaves the motor off")
        #expect(h.refusalCode(h.command(.start)) == .sensorInvalid, "after 2 good samples")
        #expect(h.supervisor.state == .armed)
        #expect(!h.tick(depth: 0.5).motorEnable)
        #expect(h.refusalCode(h.command(.start)) == nil, "after 3 good samples")
        #expect(h.tick(depth: 0.5).motorEnable)
    }

    @Test("from power-up, start is refused sensor_invalid on the 1st and 2nd sample and accepted on the 3rd")
    func startFromPowerUp() throws {
        var h = CoreHarness()
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.start)) == .sensorInvalid, "after 1 sample")
        #expect(!h.tick(depth: 0.5).motorEnable)
        #expect(h.refusalCode(h.command(.start)) == .sensorInvalid, "after 2 samples")
        #expect(!h.tick(depth: 0.5).motorEnable)
        #expect(h.refusalCode(h.command(.start)) == nil, "after 3 samples")
        #expect(h.tick(depth: 0.5).motorEnable)
    }
}
