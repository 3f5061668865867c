import NeedleDrivers
import NeedleHAL
import NeedleSim
import Testing

/// The simulator's cartridge EEPROM, read and written by the real driver.
@Suite("Simulated cartridge EEPROM")
struct CartridgeModelTests {
    @Test("the pen ships with a readable, unused cartridge at 0x50")
    func shipsSeated() throws {
        let rig = SimRig()
        let identity = try CartridgeEEPROM(bus: rig.pen.i2cBus).readIdentity()
        #expect(identity.serial.text == "SIM000000001" && identity.lot.text == "SIMLOT-01")
        #expect(identity.needleCount == 36 && !identity.used)
        #expect(try rig.pen.cartridgePresent.read())
    }

    @Test("block reads are sequential bytes; a block write lands whole and starts the write cycle")
    func blockTransfers() throws {
        let rig = SimRig()
        let bus = rig.pen.i2cBus
        let bytes = try (0..<4).map { try bus.readByte(address: 0x50, register: UInt8($0)) }
        #expect(bytes[0] == 0x4E && bytes[1] == 0x01)
        let packed = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        #expect(try bus.readBlock(address: 0x50, register: 0, count: 4) == packed)
        _ = try bus.perform(.writeI2CBlockData(register: 0x40, count: 3, bytes: 0x33_22_11), address: 0x50)
        #expect(throws: HALError(.noAcknowledge, device: "sim-24c02")) { try bus.readByte(address: 0x50, register: 0x40) }
        try rig.run(ms: 5)
        #expect(try bus.readBlock(address: 0x50, register: 0x40, count: 4) == 0xFF_33_22_11)
    }

    @Test("insert and remove drive the present input and the EEPROM together")
    func insertRemove() throws {
        let rig = SimRig()
        let eeprom = CartridgeEEPROM(bus: rig.pen.i2cBus)
        rig.pen.removeCartridge()
        #expect(try rig.pen.cartridgePresent.read() == false)
        #expect(throws: CartridgeError.absent) { try eeprom.readIdentity() }
        rig.pen.insertCartridge(serial: "C-77", lot: "L9", needles: 12, used: true)
        #expect(try rig.pen.cartridgePresent.read())
        let identity = try eeprom.readIdentity()
        #expect(identity.serial.text == "C-77" && identity.needleCount == 12 && identity.used)
        // The AS5600 is still there, and other addresses still NACK.
        #expect(throws: HALError.self) { try rig.pen.i2cBus.readByte(address: 0x51, register: 0) }
        _ = try AS5600(bus: rig.pen.i2cBus).read()
    }

    @Test("a used marker written persists across removal, and the part is busy 5 ms after a write")
    func markPersists() throws {
        let rig = SimRig()
        let eeprom = CartridgeEEPROM(bus: rig.pen.i2cBus)
        try eeprom.markUsed()
        #expect(throws: CartridgeError.absent) { try eeprom.readByte(at: 0x1C) }
        try rig.run(ms: 4)
        #expect(throws: CartridgeError.absent) { try eeprom.readByte(at: 0x1C) }
        try rig.run(ms: 1)
        #expect(try eeprom.readByte(at: 0x1C) == 0x00)
        rig.pen.removeCartridge()
        rig.pen.clear(.cartridgeRemoved)
        #expect(try eeprom.readIdentity().used)
        #expect(rig.pen.cartridgeUsed == true)
    }

    @Test("blank, missing and corrupted EEPROMs give their typed errors")
    func badParts() throws {
        let rig = SimRig()
        let eeprom = CartridgeEEPROM(bus: rig.pen.i2cBus)
        rig.pen.insertBlankCartridge()
        #expect(throws: CartridgeError.blank) { try eeprom.readIdentity() }
        rig.pen.insertCartridgeWithoutEEPROM()
        #expect(throws: CartridgeError.absent) { try eeprom.readIdentity() }
        rig.pen.insertCartridge(serial: "X", lot: "Y", needles: 9)
        rig.pen.pokeCartridge(offset: 0x03, value: 0x41)
        #expect(throws: CartridgeError.corrupt(.badCRC)) { try eeprom.readIdentity() }
    }

    @Test("the non-blocking reader identifies the sim's cartridge and marks it used")
    func readerOnSim() throws {
        let rig = SimRig()
        var reader = CartridgeReader(eeprom: CartridgeEEPROM(bus: rig.pen.i2cBus))
        var status = CartridgeReader.Status.absent
        try rig.run(ms: 60) { status = reader.step(nowNs: rig.now, present: true) }
        guard case .identified(let identity) = status else {
            Issue.record("not identified: \(status)")
            return
        }
        #expect(!identity.used)
        reader.requestMarkUsed()
        try rig.run(ms: 20) { status = reader.step(nowNs: rig.now, present: true) }
        #expect(status == .identified(CartridgeIdentity(
            serial: identity.serial, lot: identity.lot, needleCount: identity.needleCount, used: true)))
        #expect(rig.pen.cartridgeUsed == true)
    }
}
