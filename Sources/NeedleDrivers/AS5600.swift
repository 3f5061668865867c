import NeedleHAL

/// The ams AS5600 magnetic angle encoder on the depth collar, over any `I2CBus`.
///
/// A read is ONE SMBus transaction: a 3-byte I2C block read from STATUS (0x0B) that the
/// part's auto-incrementing address pointer carries through RAW ANGLE high (0x0C) and low
/// (0x0D). The datasheet's "no increment" exception applies only to a read that *starts*
/// at the high byte of ANGLE/RAW ANGLE/MAGNITUDE, not to one passing through it. Reading
/// the two angle bytes separately gives torn values while the collar moves (a field-known
/// AS5600 failure mode); the one transaction also puts STATUS and the angle at the same
/// moment, and costs one ioctl and one address phase per tick instead of two.
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

    /// STATUS, RAW ANGLE high, RAW ANGLE low: the bytes one read takes from `Register.status` on.
    public static let readLength: UInt8 = 3

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
        let block = try bus.readBlock(address: address, register: Register.status, count: Self.readLength)
        return Self.decodeBlock(block)
    }

    /// Decodes a block read from STATUS: byte 0 (low) STATUS, byte 1 the angle's high
    /// byte, byte 2 its low byte (the device sends the high byte first).
    public static func decodeBlock(_ block: UInt32) -> DepthSensorReading {
        let high = UInt16(SMBusBlock.byte(block, at: 1))
        let low = UInt16(SMBusBlock.byte(block, at: 2))
        return DepthSensorReading(rawAngle: (high << 8 | low) & angleMask, magnet: decodeStatus(SMBusBlock.byte(block, at: 0)))
    }

    /// Decodes the STATUS register's magnet bits.
    public static func decodeStatus(_ status: UInt8) -> MagnetStatus {
        MagnetStatus(
            detected: status & StatusBit.magnetDetected != 0,
            tooWeak: status & StatusBit.magnetTooWeak != 0,
            tooStrong: status & StatusBit.magnetTooStrong != 0)
    }
}
