import NeedleCore
import NeedleDrivers

/// The control loop's side of the cartridge: owns the `CartridgeReader`, turns its status
/// into the core's `CartridgeStatus`, and passes the supervisor's mark-used request on.
/// Two calls per tick, after the outputs are written (so a trip never waits for an EEPROM
/// transfer), both allocation-free and at most one I2C transfer; the status feeds the
/// next tick's readings:
/// ```
/// cartridge.apply(command)
/// status = cartridge.poll(nowNs: nowNs, present: readings.cartridgePresent)
/// ```
public struct CartridgeChannel: Sendable {
    public private(set) var reader: CartridgeReader

    public init(eeprom: CartridgeEEPROM) {
        reader = CartridgeReader(eeprom: eeprom)
    }

    public mutating func poll(nowNs: UInt64, present: Bool) -> CartridgeStatus {
        CartridgeStatus(reader.step(nowNs: nowNs, present: present))
    }

    public mutating func apply(_ command: OutputCommand) {
        if command.markCartridgeUsed { reader.requestMarkUsed() }
    }
}

extension CartridgeStatus {
    /// The core's view of the reader's status.
    public init(_ status: CartridgeReader.Status) {
        switch status {
        case .absent: self = .absent
        case .reading: self = .reading
        case .failed: self = .unreadable
        case .identified(let identity): self = .identified(CartridgeInfo(identity))
        }
    }
}

extension CartridgeInfo {
    public init(_ identity: CartridgeIdentity) {
        self.init(
            serial: CartridgeTag(identity.serial), lot: CartridgeTag(identity.lot), needleCount: identity.needleCount,
            used: identity.used)
    }
}

extension CartridgeTag {
    public init(_ code: CartridgeCode) {
        self.init(low: code.low, high: code.high)
    }

    /// The text (allocates: for status, journal and records).
    public var text: String { CartridgeCode(low: low, high: high).text }
}
