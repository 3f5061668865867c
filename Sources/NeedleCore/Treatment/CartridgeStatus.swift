/// A cartridge's 12-byte serial or lot as two integers (same packing as the drivers'
/// `CartridgeCode`: byte 0 in the lowest bits of `low`), so comparing one on the tick never
/// allocates.
public struct CartridgeTag: Sendable, Hashable {
    public var low: UInt64
    public var high: UInt32

    public init(low: UInt64, high: UInt32) {
        self.low = low
        self.high = high
    }
}

/// What the cartridge's ID EEPROM said.
public struct CartridgeInfo: Sendable, Equatable {
    public var serial: CartridgeTag
    public var lot: CartridgeTag
    public var needleCount: UInt8
    /// The used marker is set.
    public var used: Bool

    public init(serial: CartridgeTag, lot: CartridgeTag, needleCount: UInt8, used: Bool) {
        self.serial = serial
        self.lot = lot
        self.needleCount = needleCount
        self.used = used
    }
}

/// The cartridge as the loop last saw it (`Readings.cartridge`).
public enum CartridgeStatus: Sendable, Equatable {
    /// The loop does not read cartridge identities. Accepted only while
    /// `SafetyConfig.cartridgeIdentityRequired` is false (today's loop).
    case unknown
    case absent
    /// Seated, identity not read yet.
    case reading
    /// Blank, corrupt, silent, or the used marker could not be written.
    case unreadable
    case identified(CartridgeInfo)
}
