import NeedleHAL

/// The cartridge's 24C02 ID EEPROM as registers at I2C 0x50: 256 bytes, byte, word and
/// block reads (sequential: a word read returns the byte at `register` and the next one),
/// writes that persist, and the 5 ms self-timed write cycle during which the part
/// acknowledges nothing. Absent (NACK) while no cartridge is seated.
///
/// It writes identities with its own copy of the layout (`NeedleDrivers.CartridgeLayout`:
/// NeedleSim does not depend on the drivers), so a layout mistake on either side shows up
/// as a failed read in the tests that run the driver against this model.
struct CartridgeEEPROMModel: Sendable {
    static let address: UInt8 = 0x50
    static let writeCycleNs: UInt64 = 5_000_000
    static let nack = HALError(.noAcknowledge, device: "sim-24c02")
    static let invalidLength = HALError(.invalidArgument, device: "sim-24c02")

    /// The part's 256 bytes; nil: no EEPROM on the cartridge (or none seated).
    private(set) var memory: [UInt8]?
    private var busyUntilNs: UInt64 = 0

    /// Programs a fresh part with an identity (layout in NeedleDrivers' CartridgeLayout).
    mutating func program(serial: String, lot: String, needles: UInt8, used: Bool) {
        var bytes = [UInt8](repeating: 0xFF, count: 256)
        bytes[0x00] = 0x4E
        bytes[0x01] = 0x01
        Self.put(serial, into: &bytes, at: 0x02)
        Self.put(lot, into: &bytes, at: 0x0E)
        bytes[0x1A] = needles
        var crc: UInt8 = 0
        for byte in bytes[0..<0x1B] {
            crc ^= byte
            for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x07 : crc << 1 }
        }
        bytes[0x1B] = crc
        bytes[0x1C] = used ? 0x00 : 0xFF
        memory = bytes
    }

    /// A part that was never programmed: every byte 0xFF.
    mutating func programBlank() {
        memory = [UInt8](repeating: 0xFF, count: 256)
    }

    mutating func removeChip() {
        memory = nil
    }

    /// Overwrites one byte (to corrupt an image in tests).
    mutating func poke(_ offset: UInt8, _ value: UInt8) {
        memory?[Int(offset)] = value
    }

    /// Whether the used marker (0x1C) is set.
    var used: Bool? { memory.map { $0[0x1C] != 0xFF } }

    /// One SMBus transaction; `seated` is false while the cartridge is out.
    mutating func perform(_ operation: SMBusOperation, seated: Bool, nowNs: UInt64) -> Result<UInt32, HALError> {
        guard seated, memory != nil, nowNs >= busyUntilNs else { return .failure(Self.nack) }
        guard operation.hasValidCount else { return .failure(Self.invalidLength) }
        switch operation {
        case .readByteData(let register):
            return .success(UInt32(byte(register)))
        case .readWordData(let register):
            return .success(bytes(from: register, count: 2))
        case .readI2CBlockData(let register, let count):
            return .success(bytes(from: register, count: count))
        case .writeI2CBlockData(let register, let count, let value):
            for offset in 0..<count {
                memory?[Int(register &+ offset)] = SMBusBlock.byte(value, at: offset)
            }
            busyUntilNs = nowNs &+ Self.writeCycleNs
            return .success(0)
        case .writeByteData(let register, let value):
            memory?[Int(register)] = value
            busyUntilNs = nowNs &+ Self.writeCycleNs
            return .success(0)
        case .writeWordData(let register, let value):
            memory?[Int(register)] = UInt8(truncatingIfNeeded: value)
            memory?[Int(register &+ 1)] = UInt8(truncatingIfNeeded: value >> 8)
            busyUntilNs = nowNs &+ Self.writeCycleNs
            return .success(0)
        }
    }

    private func byte(_ offset: UInt8) -> UInt8 {
        memory?[Int(offset)] ?? 0xFF
    }

    /// `count` bytes from `offset` on (wrapping at the end, as the part's address counter
    /// does), the first in the low byte.
    private func bytes(from offset: UInt8, count: UInt8) -> UInt32 {
        SMBusBlock.pack(count: count) { byte(offset &+ $0) }
    }

    private static func put(_ text: String, into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<12 { bytes[offset + index] = 0 }
        for (index, byte) in text.utf8.prefix(12).enumerated() { bytes[offset + index] = byte }
    }
}
