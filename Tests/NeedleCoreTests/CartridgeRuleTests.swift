import Testing
@testable import NeedleCore

@Suite("Cartridge rules")
struct CartridgeRuleTests {
    static let serialA = CartridgeTag(low: 0x4131, high: 0)
    static let serialB = CartridgeTag(low: 0x4231, high: 0)

    func info(_ serial: CartridgeTag = serialA, used: Bool = false) -> CartridgeInfo {
        CartridgeInfo(serial: serial, lot: CartridgeTag(low: 1, high: 0), needleCount: 36, used: used)
    }

    func armed(_ cartridge: CartridgeStatus, required: Bool = true) throws -> CoreHarness {
        var config = SafetyConfig(calibration: CoreHarness.calibration)
        config.cartridgeIdentityRequired = required
        var h = CoreHarness(config: config)
        h.cartridge = cartridge
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        return h
    }

    @Test("a cartridge used in an earlier session is refused at start as cartridge_used")
    func usedRefused() throws {
        var h = try armed(.identified(info(used: true)))
        #expect(h.refusalCode(h.command(.start)) == .cartridgeUsed)
        #expect(h.supervisor.state == .armed)
    }

    @Test("unreadable, still-reading and (when required) unknown cartridges keep the motor off")
    func unreadable() throws {
        for status in [CartridgeStatus.unreadable, .reading, .unknown] {
            var h = try armed(status)
            #expect(h.refusalCode(h.command(.start)) == .cartridgeUnreadable, "\(status)")
        }
        var absent = try armed(.absent)
        #expect(absent.refusalCode(absent.command(.start)) == .interlock)
        // Today's loop reports no identity: not required, so the presence input decides.
        var legacy = try armed(.unknown, required: false)
        #expect(legacy.refusalCode(legacy.command(.start)) == nil)
        #expect(legacy.tick(depth: 0.5).markCartridgeUsed == false)
    }

    @Test("the first start asks the loop to mark the cartridge used until the reader confirms it")
    func marksUsed() throws {
        var h = try armed(.identified(info()))
        _ = try h.command(.start).get()
        #expect(h.tick(depth: 0.5).markCartridgeUsed)
        #expect(h.tick(depth: 0.5).markCartridgeUsed)
        h.cartridge = .identified(info(used: true))
        let output = h.tick(depth: 0.5)
        #expect(output.markCartridgeUsed == false && output.motorEnable)
        // The same session may stop and start again on the cartridge it marked.
        _ = h.command(.stop)
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.start)) == nil)
    }

    @Test("a cartridge taken out and put back counts as an earlier session")
    func reseated() throws {
        var h = try armed(.identified(info()))
        _ = try h.command(.start).get()
        h.cartridge = .identified(info(used: true))
        h.tick(depth: 0.5)
        _ = h.command(.stop)
        _ = h.command(.disarm)
        h.cartridgePresent = false
        h.cartridge = .absent
        h.tick(depth: 0.5)
        h.cartridgePresent = true
        h.cartridge = .identified(info(used: true))
        h.settle(at: 0.5)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        #expect(h.refusalCode(h.command(.start)) == .cartridgeUsed)
    }

    @Test("the reader alone reporting no cartridge ends the claim and the mark request (presence input still high)")
    func readerSaysAbsent() throws {
        var h = try armed(.identified(info()))
        _ = try h.command(.start).get()
        #expect(h.tick(depth: 0.5).markCartridgeUsed)
        _ = h.command(.stop)
        #expect(h.tick(depth: 0.5).markCartridgeUsed, "the reader has not confirmed the marker yet")
        h.cartridge = .absent
        #expect(h.tick(depth: 0.5).markCartridgeUsed == false)
        #expect(h.supervisor.faults.isEmpty, "only the presence input latches cartridge_removed")
        // Put back (marked by another pen, or by us before it left): an earlier session's.
        h.cartridge = .identified(info(used: true))
        h.tick(depth: 0.5)
        #expect(h.refusalCode(h.command(.start)) == .cartridgeUsed)
    }

    @Test("a cartridge that becomes unreadable while running stops the motor (mark write failed)")
    func unreadableWhileRunning() throws {
        var h = try armed(.identified(info()))
        _ = try h.command(.start).get()
        h.tick(depth: 0.5)
        h.cartridge = .unreadable
        #expect(h.tick(depth: 0.5).motorEnable == false)
        #expect(h.supervisor.lastStopReason == .cartridgeUnreadable)
        #expect(h.supervisor.state == .armed)
    }
}
