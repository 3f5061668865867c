/// One SMBus transaction. SMBus rather than raw I2C messages because that is what every
/// Linux adapter offers (the kernel's i2c-stub used by the VM rig has no raw transfers),
/// and a word read is one transfer: both bytes of a 16-bit register come from the same
/// moment (reading them separately gives torn values while the collar moves).
public enum SMBusOperation: Sendable, Equatable {
    case readByteData(register: UInt8)
    case writeByteData(register: UInt8, value: UInt8)
    /// 16-bit read; SMBus words are little-endian (low byte at `register`).
    case readWordData(register: UInt8)
    case writeWordData(register: UInt8, value: UInt16)
}

/// An I2C bus that performs SMBus transactions on behalf of drivers.
public protocol I2CBus: AnyObject, Sendable {
    /// Performs `operation` on the device at 7-bit `address`. Reads return the value read;
    /// writes return 0.
    func perform(_ operation: SMBusOperation, address: UInt8) throws(HALError) -> UInt16
}

extension I2CBus {
    public func readByte(address: UInt8, register: UInt8) throws(HALError) -> UInt8 {
        UInt8(truncatingIfNeeded: try perform(.readByteData(register: register), address: address))
    }

    public func writeByte(address: UInt8, register: UInt8, value: UInt8) throws(HALError) {
        _ = try perform(.writeByteData(register: register, value: value), address: address)
    }

    /// Reads a 16-bit register whose device sends the high byte first (big-endian), as the
    /// AS5600 does, by swapping the SMBus little-endian word.
    public func readBigEndianWord(address: UInt8, register: UInt8) throws(HALError) -> UInt16 {
        try perform(.readWordData(register: register), address: address).byteSwapped
    }
}
