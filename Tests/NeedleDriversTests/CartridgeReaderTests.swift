import NeedleDrivers
import NeedleHAL
import NeedleTestSupport
import Testing

@Suite("Cartridge reader")
struct CartridgeReaderTests {
    /// Steps once per millisecond from `start` until `done` or `limit` steps; returns the
    /// number of steps taken.
    @discardableResult
    func run(_ reader: inout CartridgeReader, from start: inout UInt64, limit: Int = 200,
             until done: (CartridgeReader.Status) -> Bool) -> Int {
        for step in 1...limit {
            start += 1_000_000
            if done(reader.step(nowNs: start, present: true)) { return step }
        }
        return limit
    }

    @Test("one transfer per step: settle 20 ms, then 29 steps read the identity")
    func readsOneByteAStep() {
        let bus = ScriptedI2CBus(CartridgeScript.reads(CartridgeScript.image()))
        var reader = CartridgeReader(eeprom: CartridgeEEPROM(bus: bus))
        var now: UInt64 = 1_000_000_000
        #expect(reader.step(nowNs: now, present: true) == .reading)
        for _ in 0..<19 {
            now += 1_000_000
            #expect(reader.step(nowNs: now, present: true) == .reading)
        }
        #expect(bus.failures == [] && bus.finish().count == 29)  // nothing read while settling
        var transfers = 0
        let steps = run(&reader, from: &now) { status in
            transfers += 1
            return status != .reading
        }
        #expect(steps == 29)
        #expect(reader.status == .identified(CartridgeScript.identity))
        #expect(bus.finish() == [])
    }

    @Test("a NACK mid-read is retried from the start; three failures report failed until removal")
    func retries() {
        let image = CartridgeScript.image()
        let nack = HALError(.noAcknowledge)
        var script = CartridgeScript.reads(image, count: 5)
        script.append(.transaction(.readByteData(register: 5), address: 0x50, failing: nack))
        script += CartridgeScript.reads(image)
        let bus = ScriptedI2CBus(script)
        var reader = CartridgeReader(eeprom: CartridgeEEPROM(bus: bus))
        var now: UInt64 = 1_000_000_000
        run(&reader, from: &now) { $0 != .reading }
        #expect(reader.status == .identified(CartridgeScript.identity))
        #expect(bus.finish() == [])

        let dead = ScriptedI2CBus(Array(repeating: .transaction(.readByteData(register: 0), address: 0x50, failing: nack), count: 3))
        var failing = CartridgeReader(eeprom: CartridgeEEPROM(bus: dead))
        run(&failing, from: &now) { $0 != .reading }
        #expect(failing.status == .failed(.absent))
        // No more transfers while failed; removal resets.
        now += 1_000_000
        #expect(failing.step(nowNs: now, present: true) == .failed(.absent))
        #expect(failing.step(nowNs: now, present: false) == .absent)
        #expect(dead.finish() == [])
    }

    @Test("a blank cartridge is reported failed(blank) after the retries")
    func blank() {
        var blank = CartridgeImage()
        for offset in 0..<29 { blank[offset] = 0xFF }
        let reads = CartridgeScript.reads(blank)
        let bus = ScriptedI2CBus(reads + reads + reads)
        var reader = CartridgeReader(eeprom: CartridgeEEPROM(bus: bus))
        var now: UInt64 = 0
        run(&reader, from: &now, limit: 300) { $0 != .reading }
        #expect(reader.status == .failed(.blank))
        #expect(bus.finish() == [])
    }

    @Test("marking: one write, nothing during the 5 ms write cycle, then a read-back")
    func markUsed() {
        let image = CartridgeScript.image()
        var script = CartridgeScript.reads(image)
        script.append(.transaction(.writeByteData(register: 0x1C, value: 0), address: 0x50))
        // The read-back NACKs once (still busy), then reads the marker.
        script.append(.transaction(.readByteData(register: 0x1C), address: 0x50, failing: HALError(.noAcknowledge)))
        script.append(.transaction(.readByteData(register: 0x1C), address: 0x50, returning: 0x00))
        let bus = ScriptedI2CBus(script)
        var reader = CartridgeReader(eeprom: CartridgeEEPROM(bus: bus))
        var now: UInt64 = 0
        run(&reader, from: &now) { $0 != .reading }
        reader.requestMarkUsed()
        #expect(reader.markPending)
        now += 1_000_000
        reader.step(nowNs: now, present: true)  // the write
        for _ in 0..<4 {
            now += 1_000_000
            reader.step(nowNs: now, present: true)
        }
        #expect(bus.failures == [])
        #expect(bus.finish().count == 2)  // both read-backs still unused: no access in the write cycle
        let steps = run(&reader, from: &now, limit: 40) { !($0 == .identified(CartridgeScript.identity)) }
        #expect(steps > 1)
        var used = CartridgeScript.identity
        used.used = true
        #expect(reader.status == .identified(used))
        #expect(!reader.markPending)
        #expect(bus.finish() == [])
    }

    @Test("a used cartridge is not written again")
    func alreadyUsed() {
        var identity = CartridgeScript.identity
        identity.used = true
        let bus = ScriptedI2CBus(CartridgeScript.reads(CartridgeImage(identity)))
        var reader = CartridgeReader(eeprom: CartridgeEEPROM(bus: bus))
        var now: UInt64 = 0
        run(&reader, from: &now) { $0 != .reading }
        reader.requestMarkUsed()
        for _ in 0..<20 {
            now += 1_000_000
            reader.step(nowNs: now, present: true)
        }
        #expect(!reader.markPending)
        #expect(bus.finish() == [])
    }
}
