/// The seated cartridge as `status` reports it:
/// `{"state":…,"serial":…,"lot":…,"needles":…,"used":…}`. The identity fields are non-null
/// only when `state` is `identified`; `used` is the EEPROM's used marker as last read.
public struct CartridgeReport: Sendable, Hashable, Codable {
    public enum State: String, Codable, Sendable, CaseIterable, Hashable {
        /// The daemon does not read cartridge identities (presence input only).
        case unknown
        case absent
        /// Seated; its ID EEPROM is being read.
        case reading
        /// Blank, corrupt or silent EEPROM.
        case unreadable
        case identified
    }

    public var state: State
    public var serial: String?
    public var lot: String?
    public var needles: Int?
    public var used: Bool?

    public init(state: State, serial: String? = nil, lot: String? = nil, needles: Int? = nil, used: Bool? = nil) {
        self.state = state
        self.serial = serial
        self.lot = lot
        self.needles = needles
        self.used = used
    }

    public static let unknown = CartridgeReport(state: .unknown)

    enum CodingKeys: String, CodingKey { case state, serial, lot, needles, used }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encodeNullable(serial, forKey: .serial)
        try container.encodeNullable(lot, forKey: .lot)
        try container.encodeNullable(needles, forKey: .needles)
        try container.encodeNullable(used, forKey: .used)
    }
}
