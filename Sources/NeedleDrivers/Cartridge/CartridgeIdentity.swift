import NeedleHAL

/// What a cartridge's ID EEPROM says about it. Fixed size: no allocation to read or copy.
public struct CartridgeIdentity: Sendable, Hashable {
    public var serial: CartridgeCode
    public var lot: CartridgeCode
    public var needleCount: UInt8
    /// The used marker was set: the cartridge served in an earlier session.
    public var used: Bool

    public init(serial: CartridgeCode, lot: CartridgeCode, needleCount: UInt8, used: Bool) {
        self.serial = serial
        self.lot = lot
        self.needleCount = needleCount
        self.used = used
    }
}

/// Why a cartridge's identity could not be read. No payload that allocates.
public enum CartridgeError: Error, Sendable, Equatable {
    /// The EEPROM did not acknowledge: no cartridge, a cartridge without an EEPROM, a bad
    /// contact — or the part is still busy with a write cycle.
    case absent
    /// Any other bus failure.
    case bus(HALError.Kind)
    /// The EEPROM was never programmed (magic byte 0xFF, the erased state).
    case blank
    /// The contents are not a valid identity.
    case corrupt(Corruption)
    /// The used marker still read as unused after writing it.
    case markNotWritten

    public enum Corruption: Sendable, Equatable {
        case badMagic
        case unsupportedVersion
        case badCRC
        case badSerial
        case badLot
        case noNeedles
    }

    /// The snake_case name for messages and the journal.
    public var code: String {
        switch self {
        case .absent: "absent"
        case .bus: "bus_error"
        case .blank: "blank"
        case .markNotWritten: "mark_not_written"
        case .corrupt(let why):
            switch why {
            case .badMagic: "corrupt_magic"
            case .unsupportedVersion: "unsupported_version"
            case .badCRC: "corrupt_crc"
            case .badSerial: "corrupt_serial"
            case .badLot: "corrupt_lot"
            case .noNeedles: "corrupt_needle_count"
            }
        }
    }
}
