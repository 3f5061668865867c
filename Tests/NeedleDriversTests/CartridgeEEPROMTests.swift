import NeedleDrivers
import NeedleHAL
import NeedleTestSupport
import Testing

typealias Expectation = ScriptedI2CBus.Expectation

/// A programmed cartridge's bytes and the transfers that read them.
enum CartridgeScript {
    static let address: UInt8 = 0x50
    static let identity = CartridgeIdentity(
        serial: CartridgeCode("SN0000001234")!, lot: CartridgeCode("LOT-24A")!, needleCount: 36, used: false)

    static func image(_ identity: CartridgeIdentity = identity) -> CartridgeImage { CartridgeImage(identity) }

    static func reads(_ image: CartridgeImage, count: Int = 29) -> [Expectation] {
        (0..<count).map { .transaction(.readByteData(register: UInt8($0)), address: address, returning: UInt32(image[$0])) }
    }
}

@Suite("Cartridge EEPROM")
struct CartridgeEEPROMTests {
    @Test("the layout: magic, version, serial, lot, needles, CRC-8/SMBUS and the used marker at fixed offsets")
    func layout() {
        let image = CartridgeScript.image()
        #expect(image[0] == 0x4E && image[1] == 0x01)
        #expect(image[2] == UInt8(ascii: "S") && image[13] == UInt8(ascii: "4"))
        #expect(image[14] == UInt8(ascii: "L") && image[21] == 0 && image[25] == 0)
        #expect(image[0x1A] == 36)
        #expect(image[0x1C] == 0xFF)
        // CRC-8/SMBUS check value.
        var crc: UInt8 = 0
        for byte in "123456789".utf8 { crc = CartridgeLayout.crc8(crc, byte) }
        #expect(crc == 0xF4)
    }

    @Test("readIdentity reads 29 bytes one by one and validates them")
    func readIdentity() throws {
        let bus = ScriptedI2CBus(CartridgeScript.reads(CartridgeScript.image()))
        let identity = try CartridgeEEPROM(bus: bus).readIdentity()
        #expect(identity == CartridgeScript.identity)
        #expect(identity.serial.text == "SN0000001234" && identity.lot.text == "LOT-24A")
        #expect(bus.finish() == [])
    }

    @Test("a NACK is absent, another bus error is bus, 0xFF magic is blank")
    func typedErrors() {
        let nack = ScriptedI2CBus([.transaction(.readByteData(register: 0), address: 0x50, failing: HALError(.noAcknowledge))])
        #expect(throws: CartridgeError.absent) { try CartridgeEEPROM(bus: nack).readIdentity() }
        #expect(nack.finish() == [])
        let garbage = ScriptedI2CBus([.transaction(.readByteData(register: 0), address: 0x50, failing: HALError(.bus))])
        #expect(throws: CartridgeError.bus(.bus)) { try CartridgeEEPROM(bus: garbage).readIdentity() }
        var blank = CartridgeImage()
        for offset in 0..<29 { blank[offset] = 0xFF }
        let blankBus = ScriptedI2CBus(CartridgeScript.reads(blank))
        #expect(throws: CartridgeError.blank) { try CartridgeEEPROM(bus: blankBus).readIdentity() }
        #expect(blankBus.finish() == [])
    }

    @Test("corrupt images: bad magic, version, CRC, serial, needle count")
    func corrupt() {
        func decode(_ edit: (inout CartridgeImage) -> Void, fixCRC: Bool = false) -> CartridgeError? {
            var image = CartridgeScript.image()
            edit(&image)
            if fixCRC { image[0x1B] = image.crc() }
            if case .failure(let error) = image.decode() { return error }
            return nil
        }
        #expect(decode { $0[0] = 0x00 } == .corrupt(.badMagic))
        #expect(decode { $0[1] = 0x02 } == .corrupt(.unsupportedVersion))
        #expect(decode { $0[5] ^= 0x01 } == .corrupt(.badCRC))
        #expect(decode({ $0[2] = 0x07 }, fixCRC: true) == .corrupt(.badSerial))
        #expect(decode({ $0[2] = 0 }, fixCRC: true) == .corrupt(.badSerial))
        #expect(decode({ $0[0x1A] = 0 }, fixCRC: true) == .corrupt(.noNeedles))
        // The used marker is outside the CRC: any value but 0xFF reads as used.
        #expect(decode { $0[0x1C] = 0x00 } == nil)
        var used = CartridgeScript.image()
        used[0x1C] = 0x37
        #expect((try? used.decode().get())?.used == true)
    }

    @Test("markUsed is one byte write of 0x00 to the used marker")
    func markUsed() throws {
        let bus = ScriptedI2CBus([.transaction(.writeByteData(register: 0x1C, value: 0x00), address: 0x50)])
        try CartridgeEEPROM(bus: bus).markUsed()
        #expect(bus.finish() == [])
    }

    @Test("codes accept at most 12 printable ASCII characters")
    func codes() {
        #expect(CartridgeCode("ABCDEFGHIJKL") != nil)
        #expect(CartridgeCode("ABCDEFGHIJKLM") == nil)
        #expect(CartridgeCode("tab\there") == nil)
        #expect(CartridgeCode("ABC")?.text == "ABC")
    }
}
