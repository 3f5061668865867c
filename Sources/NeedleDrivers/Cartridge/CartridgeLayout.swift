/// The byte layout of a needle cartridge's ID EEPROM (a 24C02: 256 bytes, I2C 0x50).
///
/// | offset | size | field | notes |
/// |---|---|---|---|
/// | 0x00 | 1 | magic | 0x4E ('N'); 0xFF here means the part was never programmed (blank) |
/// | 0x01 | 1 | version | 0x01 |
/// | 0x02 | 12 | serial | printable ASCII (0x20–0x7E), right-padded with 0x00 |
/// | 0x0E | 12 | lot | printable ASCII, right-padded with 0x00 |
/// | 0x1A | 1 | needle count | 1…255 (0 is invalid) |
/// | 0x1B | 1 | CRC-8 | over 0x00–0x1A: polynomial 0x07, init 0x00, no reflection, no final XOR (CRC-8/SMBUS; check value of "123456789" is 0xF4) |
/// | 0x1C | 1 | used marker | 0xFF: never used (the erased state); any other value: used. The pen writes 0x00 |
///
/// The used marker is deliberately *outside* the CRC: marking a cartridge used is then
/// one byte write (one write cycle), never a marker-and-CRC pair that a power cut could
/// tear into a cartridge that reads as corrupt. A byte torn by a power cut during its write
/// cycle reads as something other than 0xFF, i.e. as used: the safe side.
public enum CartridgeLayout {
    public static let magic: UInt8 = 0x4E
    public static let version: UInt8 = 0x01
    public static let magicOffset: UInt8 = 0x00
    public static let versionOffset: UInt8 = 0x01
    public static let serialOffset: UInt8 = 0x02
    public static let lotOffset: UInt8 = 0x0E
    /// Serial and lot are each this many ASCII bytes.
    public static let codeLength = 12
    public static let needleCountOffset: UInt8 = 0x1A
    public static let crcOffset: UInt8 = 0x1B
    public static let usedOffset: UInt8 = 0x1C
    /// Bytes read for an identity: 0x00 through the used marker.
    public static let imageLength = 29
    /// The erased (never used) state of the used marker.
    public static let unusedMarker: UInt8 = 0xFF
    /// What the pen writes to mark a cartridge used.
    public static let usedMarker: UInt8 = 0x00

    /// CRC-8/SMBUS of one more byte.
    @inline(__always)
    public static func crc8(_ crc: UInt8, _ byte: UInt8) -> UInt8 {
        var value = crc ^ byte
        for _ in 0..<8 {
            value = value & 0x80 != 0 ? (value << 1) ^ 0x07 : value << 1
        }
        return value
    }
}
