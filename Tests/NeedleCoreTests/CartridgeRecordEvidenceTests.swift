import Testing
@testable import NeedleCore

/// The records' rule on cartridge reuse as the core judges it (H-CLI-2): the daemon reads
/// the evidence (`NeedleDaemonTests.CartridgeRecordTests` drive it through the router); the
/// supervisor asks it at arm and again at start.
@Suite("Cartridge record evidence in the supervisor")
struct CartridgeRecordEvidenceTests {
    let serial = CartridgeTag(low: 0x4D49_53, high: 0)

    @Test("start refuses a cartridge other than the one whose records were checked at arm")
    func swappedAfterArm() {
        let evidence = CartridgeRecordEvidence(serial: serial, serialText: "X", firstSession: nil)
        let other = CartridgeStatus.identified(CartridgeInfo(
            serial: CartridgeTag(low: 1, high: 0), lot: CartridgeTag(low: 2, high: 0), needleCount: 36, used: false))
        #expect(evidence.refusal(for: other, claimed: nil)?.code == .cartridgeUsed)
        let same = CartridgeStatus.identified(CartridgeInfo(
            serial: serial, lot: CartridgeTag(low: 2, high: 0), needleCount: 36, used: false))
        #expect(evidence.refusal(for: same, claimed: nil) == nil)
        let usedBefore = CartridgeRecordEvidence(serial: serial, serialText: "X", firstSession: 7)
        #expect(usedBefore.refusal(for: same, claimed: nil)?.message.contains("session 7") == true)
        #expect(usedBefore.refusal(for: same, claimed: serial) == nil, "the open session's own cartridge")
        let unidentifiedAtArm = CartridgeRecordEvidence(serial: nil, serialText: "-", firstSession: nil)
        #expect(unidentifiedAtArm.refusal(for: same, claimed: nil)?.code == .cartridgeUsed)
    }

    func cartridge(_ serial: CartridgeTag) -> CartridgeStatus {
        .identified(CartridgeInfo(serial: serial, lot: CartridgeTag(low: 2, high: 0), needleCount: 36, used: false))
    }

    @Test("the supervisor: a serial the records hold is refused at arm; a cartridge swapped after arm is refused at start")
    func supervisorAtArmAndStart() throws {
        var h = CoreHarness()
        h.cartridge = cartridge(serial)
        h.settle(at: 0.5)
        let used = CartridgeRecordEvidence(serial: serial, serialText: "MIS", firstSession: 3)
        let refused = h.command(.armRequest(PlanRequest(targetDepthMM: 0.5, cartridgeRecord: used), clinician: false))
        #expect(h.refusalCode(refused) == .cartridgeUsed && h.supervisor.state == .idle)
        let fresh = CartridgeRecordEvidence(serial: serial, serialText: "MIS", firstSession: nil)
        _ = try h.command(.armRequest(PlanRequest(targetDepthMM: 0.5, cartridgeRecord: fresh), clinician: false)).get()
        // Another cartridge seated between the arm and the start: its records were never read.
        h.cartridge = cartridge(CartridgeTag(low: 1, high: 0))
        h.settle(at: 0.5)
        #expect(h.refusalCode(h.command(.start)) == .cartridgeUsed)
        #expect(h.supervisor.state == .armed)
        h.cartridge = cartridge(serial)
        h.settle(at: 0.5)
        _ = try h.command(.start).get()
        #expect(h.supervisor.state == .running)
    }
}
