import Logging
import NeedleCore
import NeedleProtocol
import NeedleRecords
import NeedleSim
import Testing
@testable import NeedleDaemon

/// Issue 12: a cartridge whose serial is in the records is refused, whatever its marker says.
@Suite("Cartridge reuse refused from the records")
struct CartridgeRecordTests {
    let base = IntervalGuardRoutingTests()

    func code(_ result: Result<ResultPayload, ProtocolError>) -> ErrorCode? {
        if case .failure(let error) = result { error.code } else { nil }
    }

    @Test("a serial in the records is refused cartridge_used naming the session, its used marker unset")
    func serialInRecordsRefused() throws {
        let (r, h, store) = try base.router()
        guard case .identified(let info) = h.loop.status().cartridge else {
            Issue.record("the simulated cartridge is not identified: \(h.loop.status().cartridge)")
            return
        }
        #expect(!info.used, "the marker says new")
        let now = base.wall.nowUnixMs()
        var earlier = TreatmentRecord(
            startedAtMs: now, updatedAtMs: now, mode: "home", area: "neck", targetDepthMM: 0.75, speedLevel: 4,
            cartridgeSerial: info.serial.text, cartridgeLot: "SIMLOT-01")
        earlier.id = try store.open(earlier)
        let refused = r.handle(.arm(try ArmArguments(area: "cheeks")), from: IntervalGuardRoutingTests.operator)
        #expect(code(refused) == .cartridgeUsed)
        if case .failure(let error) = refused {
            #expect(error.message.contains("session \(earlier.id ?? -1)") && error.message.contains(info.serial.text), "\(error.message)")
        }
        #expect(h.loop.status().state == .idle)
        #expect(h.loop.status().plan == nil)
    }

    @Test("a serial the records do not hold arms and starts as before")
    func newSerialArms() throws {
        let (r, h, _) = try base.router()
        #expect(code(r.handle(.arm(try ArmArguments(area: "cheeks")), from: IntervalGuardRoutingTests.operator)) == nil)
        #expect(h.loop.status().state == .armed)
    }
}
