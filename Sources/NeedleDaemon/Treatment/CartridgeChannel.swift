import NeedleCore
import NeedleDrivers

/// The control loop's side of the cartridge: owns the `CartridgeReader`, turns its status
/// into the core's `CartridgeStatus`, and passes the supervisor's mark-used request on.
/// One call per tick, after the outputs are written (so a trip never waits for an EEPROM
/// transfer), allocation-free and at most one I2C transfer; the status feeds the next
/// tick's readings:
/// ```
/// status = cartridge.step(after: command, nowNs: nowNs, present: readings.cartridgePresent)
/// ```
/// One mutating call, not two: the loop keeps the channel in a class's stored property, and
/// each mutation of it costs a dynamic exclusivity check (~65 instructions, measured).
public struct CartridgeChannel: Sendable {
    public private(set) var reader: CartridgeReader

    public init(eeprom: CartridgeEEPROM) {
        reader = CartridgeReader(eeprom: eeprom)
    }

    /// Passes on the command's mark-used request, then advances the reader a step.
    public mutating func step(after command: OutputCommand, nowNs: UInt64, present: Bool) -> CartridgeStatus {
        if command.markCartridgeUsed { reader.requestMarkUsed() }
        return CartridgeStatus(reader.step(nowNs: nowNs, present: present))
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
