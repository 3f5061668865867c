import NeedleHAL

/// The ams AS5600 magnetic angle encoder on the depth collar, over any `I2CBus`.
///
/// A read is two SMBus transfers: STATUS, then RAW ANGLE as ONE word transfer. Reading the
/// two angle bytes separately gives torn values while the collar moves (a field-known
/// AS5600 failure mode), so the word read is not an optimisation but a correctness rule.
/// No allocation per read: the control loop calls this every tick.
public final class AS5600: DepthSensor {
    /// The AS5600's fixed 7-bit address (the part has no address pins).
    public static let defaultAddress: UInt8 = 0x36

    /// Register map (datasheet §"Register Description").
    public enum Register {
        public static let status: UInt8 = 0x0B
        /// RAW ANGLE high byte (bits 11:8); the low byte follows at 0x0D.
        public static let rawAngle: UInt8 = 0x0C
    }

    /// STATUS bits.
    public enum StatusBit {
        /// MD: a magnet is detected.
        public static let magnetDetected: UInt8 = 1 << 5
        /// ML: the magnet is too weak (AGC at maximum gain).
        public static let magnetTooWeak: UInt8 = 1 << 4
        /// MH: the magnet is too strong (AGC at minimum gain).
        public static let magnetTooStrong: UInt8 = 1 << 3
    }

    /// The angle is 12 bits; the upper nibble of the high byte is not part of it.
    public static let angleMask: UInt16 = 0x0FFF

    public let bus: any I2CBus
    public let address: UInt8

    public init(bus: any I2CBus, address: UInt8 = AS5600.defaultAddress) {
        self.bus = bus
        self.address = address
    }

    public func read() throws(HALError) -> DepthSensorReading {
        let status = try bus.readByte(address: address, register: Register.status)
        // One transfer for both bytes; the device sends the high byte first, so the
        // little-endian SMBus word is swapped by `readBigEndianWord`.
        let word = try bus.readBigEndianWord(address: address, register: Register.rawAngle)
        return DepthSensorReading(rawAngle: word & Self.angleMask, magnet: Self.decodeStatus(status))
    }

    /// Decodes the STATUS register's magnet bits.
    public static func decodeStatus(_ status: UInt8) -> MagnetStatus {
        MagnetStatus(
            detected: status & StatusBit.magnetDetected != 0,
            tooWeak: status & StatusBit.magnetTooWeak != 0,
            tooStrong: status & StatusBit.magnetTooStrong != 0)
    }
}
