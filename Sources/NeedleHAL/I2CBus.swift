/// One SMBus transaction. SMBus rather than raw I2C messages because that is what every
/// Linux adapter offers (the kernel's i2c-stub used by the VM rig has no raw transfers),
/// and a word or block read is one transfer: every byte it returns comes from the same
/// moment (reading a 16-bit register byte by byte gives torn values while the collar moves).
public enum SMBusOperation: Sendable, Equatable {
    case readByteData(register: UInt8)
    case writeByteData(register: UInt8, value: UInt8)
    /// 16-bit read; SMBus words are little-endian (low byte at `register`).
    case readWordData(register: UInt8)
    case writeWordData(register: UInt8, value: UInt16)
    /// SMBus "I2C block read": `count` (1...4) bytes from `register` on, in ONE transaction
    /// (the device's address pointer auto-increments). Returned packed, the byte read first
    /// in the low byte. Packed into the return value rather than an Array or a caller's
    /// buffer because the control loop does this every tick and must not allocate, and a
    /// plain value keeps every bus (Linux, simulator, scripted) one `perform` with an
    /// ordered script; 4 bytes is all the pen's devices need (the AS5600 read is 3).
    case readI2CBlockData(register: UInt8, count: UInt8)
    /// SMBus "I2C block write" of `count` (1...4) bytes from `bytes`, low byte first, to
    /// `register` on. One transaction, so a reader never sees half of it (the VM rig's
    /// world sets STATUS and both angle bytes of its i2c-stub AS5600 this way).
    case writeI2CBlockData(register: UInt8, count: UInt8, bytes: UInt32)

    /// The block lengths a bus accepts; anything else is `invalidArgument`.
    public static let blockCounts: ClosedRange<UInt8> = 1...4

    /// Whether the operation's block length (if it has one) is in `blockCounts`.
    public var hasValidCount: Bool {
        switch self {
        case .readI2CBlockData(_, let count), .writeI2CBlockData(_, let count, _): Self.blockCounts.contains(count)
        case .readByteData, .writeByteData, .readWordData, .writeWordData: true
        }
    }
}

/// An I2C bus that performs SMBus transactions on behalf of drivers.
public protocol I2CBus: AnyObject, Sendable {
    /// Performs `operation` on the device at 7-bit `address`. Reads return the value read
    /// (a byte, a word, or a block's bytes packed low byte first); writes return 0. A block
    /// read returns exactly the bytes asked for or throws: never a partial value.
    func perform(_ operation: SMBusOperation, address: UInt8) throws(HALError) -> UInt32
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
        UInt16(truncatingIfNeeded: try perform(.readWordData(register: register), address: address)).byteSwapped
    }

    /// Reads `count` (1...4) consecutive registers from `register` in one transaction;
    /// the byte at `register` is the low byte of the result.
    public func readBlock(address: UInt8, register: UInt8, count: UInt8) throws(HALError) -> UInt32 {
        try perform(.readI2CBlockData(register: register, count: count), address: address)
    }
}
