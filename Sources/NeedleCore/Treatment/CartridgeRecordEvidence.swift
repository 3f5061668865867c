/// What the treatment records say about the cartridge seated when an `arm` was asked for:
/// its serial (nil: none was identified then) and the first session that used it, if any.
/// The EEPROM's used marker can fail to be written, or be cloned; the records cannot be
/// talked out of a serial they hold. The supervisor judges it under the arm's lock, against
/// the cartridge it sees, and again at start, so a cartridge identified or swapped after the
/// records were read is not started on.
public struct CartridgeRecordEvidence: Sendable, Equatable {
    public var serial: CartridgeTag?
    /// The serial's text, for the refusal.
    public var serialText: String
    /// The earliest recorded session that used this serial; nil: never used.
    public var firstSession: Int64?

    public init(serial: CartridgeTag?, serialText: String, firstSession: Int64?) {
        self.serial = serial
        self.serialText = serialText
        self.firstSession = firstSession
    }

    /// The refusal at arm: the cartridge the daemon saw seated is in the records. (The
    /// supervisor may not have taken the identity in yet; `refusal(for:claimed:)` at start
    /// compares the evidence with what it sees then.)
    public var armRefusal: Refusal? {
        firstSession.map { Self.used(serialText, session: $0) }
    }

    static func used(_ serial: String, session: Int64) -> Refusal {
        Refusal(.cartridgeUsed, "cartridge \(serial) was used in session \(session) (the records know its serial, whatever its marker says): seat a new one")
    }

    /// The refusal for starting on `cartridge` (`claimed`: the serial the open session
    /// already started on, which its own row naturally holds), or nil.
    public func refusal(for cartridge: CartridgeStatus, claimed: CartridgeTag?) -> Refusal? {
        guard case .identified(let info) = cartridge else { return nil }
        guard info.serial == serial else {
            return Refusal(.cartridgeUsed, "the seated cartridge is not the one whose records were checked when the plan was armed: arm again")
        }
        if let firstSession, info.serial != claimed { return Self.used(serialText, session: firstSession) }
        return nil
    }
}
