import NeedleDrivers
import NeedleHAL
import NeedleTestSupport
import Testing

private typealias E = ScriptedI2CBus.Expectation
private let address = AS5600.defaultAddress

/// The one transfer of a good read: a 3-byte I2C block read from STATUS (0x0B), the bytes
/// in the order the AS5600 sends them (STATUS, RAW ANGLE high, RAW ANGLE low).
private func readScript(status: UInt8, high: UInt8, low: UInt8, at device: UInt8 = address) -> [E] {
    [.blockRead(register: 0x0B, count: 3, address: device, bytes: [status, high, low])]
}

@Suite("AS5600 driver over a scripted bus")
struct AS5600Tests {
    @Test("a good read is ONE 3-byte block read from STATUS; the angle's high byte comes first")
    func goodRead() throws {
        let bus = ScriptedI2CBus(readScript(status: 0x20, high: 0x0A, low: 0xBC))
        let reading = try AS5600(bus: bus).read()
        #expect(reading == DepthSensorReading(rawAngle: 0x0ABC, magnet: .good))
        #expect(bus.finish() == [])
    }

    @Test("the packed block: STATUS in the low byte, then angle high, then angle low")
    func blockPacking() throws {
        // What the scripted bus hands over for the bytes 0x20, 0x0A, 0xBC.
        let bus = ScriptedI2CBus([.transaction(.readI2CBlockData(register: 0x0B, count: 3), address: address, returning: 0xBC_0A_20)])
        #expect(try AS5600(bus: bus).read() == DepthSensorReading(rawAngle: 0x0ABC, magnet: .good))
        #expect(bus.finish() == [])
    }

    @Test("the byte order is not symmetric: a high byte of 1 and a low byte of 0 is 0x100")
    func byteOrder() throws {
        let bus = ScriptedI2CBus(readScript(status: 0x20, high: 0x01, low: 0x00))
        #expect(try AS5600(bus: bus).read().rawAngle == 0x0100)
        #expect(bus.finish() == [])
    }

    @Test("the angle is masked to 12 bits")
    func twelveBitMask() throws {
        // High byte 0xFF on the wire: only its low nibble belongs to the angle.
        let bus = ScriptedI2CBus(readScript(status: 0x20, high: 0xFF, low: 0x34))
        #expect(try AS5600(bus: bus).read().rawAngle == 0x0F34)
        #expect(bus.finish() == [])
    }

    @Test(
        "STATUS magnet bits are decoded",
        arguments: [
            (UInt8(0x20), MagnetStatus(detected: true, tooWeak: false, tooStrong: false)),
            (UInt8(0x00), MagnetStatus(detected: false, tooWeak: false, tooStrong: false)),
            (UInt8(0x30), MagnetStatus(detected: true, tooWeak: true, tooStrong: false)),
            (UInt8(0x28), MagnetStatus(detected: true, tooWeak: false, tooStrong: true)),
            (UInt8(0xC7), MagnetStatus(detected: false, tooWeak: false, tooStrong: false)),
        ])
    func magnetBits(status: UInt8, expected: MagnetStatus) throws {
        // Angle bytes with the magnet bits' positions set: STATUS must come from byte 0 only.
        let bus = ScriptedI2CBus(readScript(status: status, high: 0x38, low: 0x38))
        let reading = try AS5600(bus: bus).read()
        #expect(reading.magnet == expected)
        #expect(reading.magnet.isGood == (status & 0x38 == 0x20))
        #expect(reading.rawAngle == 0x0838)
        #expect(bus.finish() == [])
    }

    @Test("a NACK on the block read propagates and yields no reading")
    func nack() {
        let nack = HALError(.noAcknowledge, device: "i2c")
        let bus = ScriptedI2CBus([.transaction(.readI2CBlockData(register: 0x0B, count: 3), address: address, failing: nack)])
        #expect(throws: nack) { try AS5600(bus: bus).read() }
        #expect(bus.finish() == [])
    }

    @Test("a bus error on the block read propagates")
    func busError() {
        let error = HALError(.bus, device: "i2c", errno: 5)
        let bus = ScriptedI2CBus([.transaction(.readI2CBlockData(register: 0x0B, count: 3), address: address, failing: error)])
        #expect(throws: error) { try AS5600(bus: bus).read() }
        #expect(bus.finish() == [])
    }

    @Test("a short block read (2 of 3 bytes) is an error, not a reading from partial bytes")
    func shortRead() {
        let bus = ScriptedI2CBus([.blockRead(register: 0x0B, count: 3, address: address, bytes: [0x20, 0x0A])])
        #expect(throws: ScriptedI2CBus.shortReadError) { try AS5600(bus: bus).read() }
        #expect(bus.finish() == [])
    }

    @Test("a non-default address is used for the transfer")
    func customAddress() throws {
        let bus = ScriptedI2CBus(readScript(status: 0x20, high: 0, low: 0, at: 0x40))
        _ = try AS5600(bus: bus, address: 0x40).read()
        #expect(bus.finish() == [])
    }
}

@Suite("ScriptedI2CBus catches drivers that stray from the script")
struct ScriptedI2CBusTests {
    @Test("a wrong operation is recorded and fails the call")
    func wrongOperation() {
        let bus = ScriptedI2CBus([.transaction(.readWordData(register: 0x0C), address: address, returning: 1)])
        #expect(throws: ScriptedI2CBus.mismatchError) {
            _ = try bus.perform(.readByteData(register: 0x0C), address: address)
        }
        #expect(bus.failures.count == 1)
        #expect(bus.finish().count == 1)
    }

    @Test("a wrong address is recorded")
    func wrongAddress() {
        let bus = ScriptedI2CBus([.transaction(.readByteData(register: 0x0B), address: address, returning: 1)])
        _ = try? bus.perform(.readByteData(register: 0x0B), address: 0x37)
        #expect(bus.finish().count == 1)
    }

    @Test("an extra call beyond the script is recorded")
    func extraCall() throws {
        let bus = ScriptedI2CBus([.transaction(.readByteData(register: 0x0B), address: address, returning: 7)])
        #expect(try bus.perform(.readByteData(register: 0x0B), address: address) == 7)
        #expect(throws: ScriptedI2CBus.mismatchError) {
            _ = try bus.perform(.readByteData(register: 0x0B), address: address)
        }
        let failures = bus.finish()
        #expect(failures.count == 1)
        #expect(failures.first?.contains("extra") == true)
    }

    @Test("an expectation left unused is reported by finish/verifyDone")
    func unusedExpectation() throws {
        let bus = ScriptedI2CBus([
            .transaction(.readByteData(register: 0x0B), address: address, returning: 0x20),
            .transaction(.readWordData(register: 0x0C), address: address),
        ])
        _ = try bus.perform(.readByteData(register: 0x0B), address: address)
        #expect(bus.failures == [])
        let failures = bus.verifyDone()
        #expect(failures.count == 1)
        #expect(failures.first?.contains("never performed") == true)
    }

    @Test("a driver that reads the angle bytes separately is caught")
    func tornReadCaught() {
        // The script of a correct driver, played against a driver reading byte by byte:
        // the first call mismatches, the other two are extra.
        let bus = ScriptedI2CBus(readScript(status: 0x20, high: 0, low: 0))
        _ = try? bus.perform(.readByteData(register: 0x0B), address: address)
        _ = try? bus.perform(.readByteData(register: 0x0C), address: address)
        _ = try? bus.perform(.readByteData(register: 0x0D), address: address)
        #expect(bus.finish().count == 3)
    }

    @Test("a driver doing the old two transfers (STATUS byte, angle word) is caught")
    func twoTransferReadCaught() {
        let bus = ScriptedI2CBus(readScript(status: 0x20, high: 0, low: 0))
        _ = try? bus.perform(.readByteData(register: 0x0B), address: address)
        _ = try? bus.perform(.readWordData(register: 0x0C), address: address)
        #expect(bus.finish().count == 2)
    }
}
