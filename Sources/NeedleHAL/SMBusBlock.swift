/// How the bytes of an SMBus block transfer travel in one `UInt32` (`readI2CBlockData`'s
/// result, `writeI2CBlockData`'s `bytes`): the first byte on the wire in the low byte. One
/// definition for every bus, device model and driver, so no two can disagree on the order.
/// Inlinable and closure-based so that the tick's block read packs with no allocation.
public enum SMBusBlock {
    /// Packs `count` (at most 4) bytes; `byte(i)` is the i-th byte on the wire.
    @inlinable
    public static func pack(count: UInt8, _ byte: (UInt8) -> UInt8) -> UInt32 {
        var packed: UInt32 = 0
        for index in 0..<min(count, 4) { packed |= UInt32(byte(index)) << (8 * UInt32(index)) }
        return packed
    }

    /// Packs `bytes` (at most the first 4).
    @inlinable
    public static func pack(_ bytes: [UInt8]) -> UInt32 {
        pack(count: UInt8(min(bytes.count, 4))) { bytes[Int($0)] }
    }

    /// The `index`-th byte on the wire (0...3) of a packed block.
    @inlinable
    public static func byte(_ packed: UInt32, at index: UInt8) -> UInt8 {
        UInt8(truncatingIfNeeded: packed >> (8 * UInt32(index)))
    }
}
