import NeedleDrivers
import NeedleHAL
import NeedleTestSupport
import Testing

private typealias E = ScriptedI2CBus.Expectation
private let address = AS5600.defaultAddress

/// The two transfers of one good read: STATUS byte, then RAW ANGLE as one word.
private func readScript(status: UInt16, wireWord: UInt16) -> [E] {
    [
        .transaction(.readByteData(register: 0x0B), address: address, returning: status),
        .transaction(.readWordData(register: 0x0C), address: address, returning: wireWord),
    ]
}

@Suite("AS5600 driver over a scripted bus")
struct AS5600Tests {
    @Test("a good read: STATUS then one word transfer, high byte first on the wire")
    func goodRead() throws {
        // Raw angle 0x0ABC: the device sends 0x0A then 0xBC; SMBus puts the first byte
        // low, so the bus returns 0xBC0A.
        let bus = ScriptedI2CBus(readScript(status: 0x20, wireWord: 0xBC0A))
        let reading = try AS5600(bus: bus).read()
        #expect(reading == DepthSensorReading(rawAngle: 0x0ABC, magnet: .good))
        #expect(bus.finish() == [])
    }

    @Test("the byte swap is not symmetric: a low-byte-only wire word is a high angle")
    func byteSwap() throws {
        let bus = ScriptedI2CBus(readScript(status: 0x20, wireWord: 0x0001))
        #expect(try AS5600(bus: bus).read().rawAngle == 0x0100)
        #expect(bus.finish() == [])
    }

    @Test("the angle is masked to 12 bits")
    func twelveBitMask() throws {
        // High byte 0xFF on the wire: only its low nibble belongs to the angle.
        let bus = ScriptedI2CBus(readScript(status: 0x20, wireWord: 0x34FF))
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
        let bus = ScriptedI2CBus(readScript(status: UInt16(status), wireWord: 0))
        let reading = try AS5600(bus: bus).read()
        #expect(reading.magnet == expected)
        #expect(reading.magnet.isGood == (status & 0x38 == 0x20))
        #expect(bus.finish() == [])
    }

    @Test("a NACK on STATUS propagates and stops the read")
    func nackOnStatus() {
        let nack = HALError(.noAcknowledge, device: "i2c")
        let bus = ScriptedI2CBus([.transaction(.readByteData(register: 0x0B), address: address, failing: nack)])
        #expect(throws: nack) { try AS5600(bus: bus).read() }
        #expect(bus.finish() == [])
    }

    @Test("a bus error on the angle transfer propagates")
    func busErrorOnAngle() {
        let error = HALError(.bus, device: "i2c", errno: 5)
        let bus = ScriptedI2CBus([
            .transaction(.readByteData(register: 0x0B), address: address, returning: 0x20),
            .transaction(.readWordData(register: 0x0C), address: address, failing: error),
        ])
        #expect(throws: error) { try AS5600(bus: bus).read() }
        #expect(bus.finish() == [])
    }

    @Test("a non-default address is used for both transfers")
    func customAddress() throws {
        let bus = ScriptedI2CBus([
            .transaction(.readByteData(register: 0x0B), address: 0x40, returning: 0x20),
            .transaction(.readWordData(register: 0x0C), address: 0x40, returning: 0x0000),
        ])
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
        let bus = ScriptedI2CBus(readScript(status: 0x20, wireWord: 0))
        _ = try bus.perform(.readByteData(register: 0x0B), address: address)
        #expect(bus.failures == [])
        let failures = bus.verifyDone()
        #expect(failures.count == 1)
        #expect(failures.first?.contains("never performed") == true)
    }

    @Test("a driver that reads the angle bytes separately is caught")
    func tornReadCaught() {
        // The script of a correct driver, played against a driver reading byte by byte.
        let bus = ScriptedI2CBus(readScript(status: 0x20, wireWord: 0))
        _ = try? bus.perform(.readByteData(register: 0x0B), address: address)
        _ = try? bus.perform(.readByteData(register: 0x0C), address: address)
        _ = try? bus.perform(.readByteData(register: 0x0D), address: address)
        #expect(bus.finish().count == 2)
    }
}
