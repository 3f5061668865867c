import Testing
@testable import NeedleCore

/// Rule 6: interlocks stop the motor and latch; clear needs the cause gone.
@Suite("Rule 6 — interlocks")
struct InterlockTests {
    @Test("each input interlock (e-stop, driver fault, cartridge removed) stops the motor and latches; clear waits for the cause to go",
          arguments: [Fault.estop, .driverFault, .cartridgeRemoved])
    func interlockLatches(fault: Fault) throws {
        var h = CoreHarness()
        try h.run(target: 0.5)
        switch fault {
        case .estop: h.estop = true
        case .driverFault: h.driverFault = true
        case .cartridgeRemoved: h.cartridgePresent = false
        default: Issue.record("not an input interlock")
        }
        #expect(!h.tick(depth: 0.5).motorEnable)
        // Exactly this fault: a trip outside the self-test adds no `selftest_failed`.
        #expect(h.supervisor.faults == FaultSet(fault))
        #expect(h.supervisor.state == .fault)
        #expect(h.supervisor.lastStopReason == .fault)
        #expect(h.refusalCode(h.command(.clear)) == .causePresent)
        #expect(h.refusalCode(h.command(.start)) == .faultLatched)
        h.estop = false
        h.driverFault = false
        h.cartridgePresent = true
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.clear)) == nil)
        #expect(h.supervisor.state == .idle)
    }

    @Test("a stalled cam (no tach strokes while driven) latches stall")
    func stallLatches() throws {
        var h = CoreHarness()
        h.strokeHz = 0
        try h.run(target: 0.5)
        for _ in 0..<99 { h.tick(depth: 0.5) }
        #expect(h.last.motorEnable)
        for _ in 0..<3 { h.tick(depth: 0.5) }
        #expect(!h.last.motorEnable)
        #expect(h.supervisor.faults.contains(.stall))
        #expect(h.refusalCode(h.command(.clear)) == nil, "a stall's cause cannot be seen with the motor off")
    }

    @Test("strokes keep a running motor out of stall")
    func strokesPreventStall() throws {
        var h = CoreHarness()
        h.strokeHz = 60
        try h.run(target: 0.5)
        for _ in 0..<500 { h.tick(depth: 0.5) }
        #expect(h.last.motorEnable)
        #expect(abs(h.supervisor.status().strokeRateHz - 60) < 2)
    }

    @Test("start is refused while an interlock is active, even with no fault latched")
    func startRefusedWithInterlock() throws {
        // The e-stop and nFAULT latch in every state; a missing cartridge latches only once
        // armed. So the case with no fault latched is: no cartridge while idle, arm, start.
        var h = CoreHarness()
        h.cartridgePresent = false
        h.settle(at: 0.5)
        #expect(h.supervisor.faults.isEmpty)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        #expect(h.refusalCode(h.command(.start)) == .interlock)
        #expect(h.supervisor.state == .armed)
        #expect(!h.tick(depth: 0.5).motorEnable)
        // The same sequence with the cartridge seated starts: the refusal was the interlock's.
        var seated = CoreHarness()
        seated.settle(at: 0.5)
        _ = try seated.command(.arm(Plan(targetDepthMM: 0.5))).get()
        #expect(seated.refusalCode(seated.command(.start)) == nil)
        #expect(seated.tick(depth: 0.5).motorEnable)
    }

    @Test("a cartridge swapped while idle latches nothing")
    func cartridgeSwapIdle() {
        var h = CoreHarness()
        h.cartridgePresent = false
        h.settle(at: 0.5)
        #expect(h.supervisor.faults.isEmpty)
        _ = h.command(.arm(Plan(targetDepthMM: 0.5)))
        #expect(h.refusalCode(h.command(.start)) == .interlock)
    }
}
