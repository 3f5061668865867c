import Testing
@testable import NeedleCore

/// A sensor fault clears only when its cause is gone: three consistent good samples after
/// the failure, and readings that move again after a frozen sensor (rules 3 and 6).
@Suite("Rules 3 and 6 — clearing a sensor fault")
struct SensorFaultClearTests {
    @Test("after 3 read errors, clear is refused cause_present on the 1st and 2nd good sample and accepted on the 3rd")
    func clearNeedsThreeSamplesAfterFailure() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        for _ in 0..<3 { h.tick(depth: nil) }
        #expect(h.supervisor.faults.contains(.sensorFault))
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.clear)) == .causePresent, "after 1 good sample")
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.clear)) == .causePresent, "after 2 good samples")
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.clear)) == nil, "after 3 good samples")
        #expect(h.supervisor.faults.isEmpty)
    }

    @Test("a frozen sensor's fault cannot be cleared while the raw angle stays frozen; moving readings clear it")
    func clearRefusedWhileFrozen() throws {
        var h = CoreHarness()
        h.dither = false
        try h.run(target: 0.5)
        for _ in 0..<60 { h.tick(depth: 0.5) }
        #expect(h.supervisor.faults.contains(.sensorFault), "frozen for 50 ms while running")
        // Still frozen: valid, consistent samples, but the angle has not moved.
        for _ in 0..<5 { h.tick(depth: 0.5) }
        #expect(h.refusalCode(h.command(.clear)) == .causePresent)
        #expect(h.supervisor.state == .fault)
        h.dither = true
        h.settle(at: 0.5)
        #expect(h.refusalCode(h.command(.clear)) == nil)
    }

    @Test("a sensor fault's cause is frozen from 50 ms on: clear is accepted after 49 ms of one raw angle, refused after 50",
          arguments: [(49, true), (50, false)])
    func frozenBoundary(frozenMs: Int, accepted: Bool) {
        var h = CoreHarness()
        h.settle(at: 0.5)
        for _ in 0..<3 { h.tick(depth: nil) }
        #expect(h.supervisor.faults == FaultSet(.sensorFault))
        h.dither = false
        // A raw angle not seen before, then the same one for `frozenMs` more milliseconds.
        for _ in 0...frozenMs { h.tick(depth: 0.6) }
        #expect((h.refusalCode(h.command(.clear)) == nil) == accepted)
    }
}
