import NeedleHAL

/// The cartridge's 24C02-style ID EEPROM over any `I2CBus`, with SMBus byte transfers only
/// (every Linux adapter and the kernel's i2c-stub offer them). Layout: `CartridgeLayout`.
///
/// **Write-cycle time.** After a byte write the 24C02 spends up to `writeCycleNs` (5 ms)
/// programming its cell and does not acknowledge *any* access meanwhile. This driver never
/// sleeps: the caller schedules the next access at least `writeCycleNs` later
/// (`CartridgeReader` does it by time; a blocking tool can simply sleep). Other devices on
/// the bus (the AS5600 at 0x36) are not affected.
///
/// The blocking `readIdentity()` makes `imageLength` transfers in a row (~3 ms at 400 kHz):
/// fine for tools and tests, too long for one control tick — the loop uses `CartridgeReader`.
public final class CartridgeEEPROM: Sendable {
    public static let defaultAddress: UInt8 = 0x50
    /// The 24C02's maximum self-timed write cycle (datasheet t_WR).
    public static let writeCycleNs: UInt64 = 5_000_000

    public let bus: any I2CBus
    public let address: UInt8

    public init(bus: any I2CBus, address: UInt8 = CartridgeEEPROM.defaultAddress) {
        self.bus = bus
        self.address = address
    }

    /// One byte at `offset` (one SMBus read-byte-data transfer).
    public func readByte(at offset: UInt8) throws(CartridgeError) -> UInt8 {
        do {
            return try bus.readByte(address: address, register: offset)
        } catch {
            throw Self.map(error)
        }
    }

    /// Reads and validates the whole identity (blocking; see the type's note).
    public func readIdentity() throws(CartridgeError) -> CartridgeIdentity {
        var image = CartridgeImage()
        for offset in 0..<CartridgeLayout.imageLength {
            image[offset] = try readByte(at: UInt8(offset))
        }
        return try image.decode().get()
    }

    /// Sets the used marker: one byte write. The part is busy for `writeCycleNs` after it.
    public func markUsed() throws(CartridgeError) {
        do {
            try bus.writeByte(address: address, register: CartridgeLayout.usedOffset, value: CartridgeLayout.usedMarker)
        } catch {
            throw Self.map(error)
        }
    }

    static func map(_ error: HALError) -> CartridgeError {
        error.kind == .noAcknowledge ? .absent : .bus(error.kind)
    }
}
