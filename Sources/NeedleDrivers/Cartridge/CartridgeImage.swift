/// The first `CartridgeLayout.imageLength` bytes of a cartridge EEPROM, in a fixed inline
/// buffer (four integers), so that the control loop can fill it one byte per tick without
/// allocating.
public struct CartridgeImage: Sendable, Equatable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public init() {}

    public static func == (lhs: CartridgeImage, rhs: CartridgeImage) -> Bool {
        lhs.words == rhs.words
    }

    /// Byte `offset` (0..<32).
    public subscript(offset: Int) -> UInt8 {
        get {
            let shift = UInt64(offset % 8) * 8
            let word: UInt64
            switch offset / 8 {
            case 0: word = words.0
            case 1: word = words.1
            case 2: word = words.2
            default: word = words.3
            }
            return UInt8(truncatingIfNeeded: word >> shift)
        }
        set {
            let shift = UInt64(offset % 8) * 8
            func put(_ word: inout UInt64) { word = word & ~(0xFF << shift) | UInt64(newValue) << shift }
            switch offset / 8 {
            case 0: put(&words.0)
            case 1: put(&words.1)
            case 2: put(&words.2)
            default: put(&words.3)
            }
        }
    }

    /// The image of `identity` as a programmer writes it (used marker as given).
    public init(_ identity: CartridgeIdentity) {
        self[Int(CartridgeLayout.magicOffset)] = CartridgeLayout.magic
        self[Int(CartridgeLayout.versionOffset)] = CartridgeLayout.version
        for index in 0..<CartridgeLayout.codeLength {
            self[Int(CartridgeLayout.serialOffset) + index] = identity.serial[index]
            self[Int(CartridgeLayout.lotOffset) + index] = identity.lot[index]
        }
        self[Int(CartridgeLayout.needleCountOffset)] = identity.needleCount
        self[Int(CartridgeLayout.crcOffset)] = crc()
        self[Int(CartridgeLayout.usedOffset)] = identity.used ? CartridgeLayout.usedMarker : CartridgeLayout.unusedMarker
    }

    /// CRC-8 over 0x00 up to (not including) the CRC byte.
    public func crc() -> UInt8 {
        var crc: UInt8 = 0
        for offset in 0..<Int(CartridgeLayout.crcOffset) { crc = CartridgeLayout.crc8(crc, self[offset]) }
        return crc
    }

    /// The identity the image holds, or why it holds none. Checks in order: blank, magic,
    /// version, CRC, then the fields (a good CRC over bad fields is a programming error).
    public func decode() -> Result<CartridgeIdentity, CartridgeError> {
        let magic = self[Int(CartridgeLayout.magicOffset)]
        if magic == 0xFF { return .failure(.blank) }
        guard magic == CartridgeLayout.magic else { return .failure(.corrupt(.badMagic)) }
        guard self[Int(CartridgeLayout.versionOffset)] == CartridgeLayout.version else {
            return .failure(.corrupt(.unsupportedVersion))
        }
        guard crc() == self[Int(CartridgeLayout.crcOffset)] else { return .failure(.corrupt(.badCRC)) }
        var serial = CartridgeCode(low: 0, high: 0)
        var lot = CartridgeCode(low: 0, high: 0)
        for index in 0..<CartridgeLayout.codeLength {
            serial[index] = self[Int(CartridgeLayout.serialOffset) + index]
            lot[index] = self[Int(CartridgeLayout.lotOffset) + index]
        }
        guard serial.isWellFormed else { return .failure(.corrupt(.badSerial)) }
        guard lot.isWellFormed else { return .failure(.corrupt(.badLot)) }
        let needles = self[Int(CartridgeLayout.needleCountOffset)]
        guard needles > 0 else { return .failure(.corrupt(.noNeedles)) }
        let used = self[Int(CartridgeLayout.usedOffset)] != CartridgeLayout.unusedMarker
        return .success(CartridgeIdentity(serial: serial, lot: lot, needleCount: needles, used: used))
    }
}
