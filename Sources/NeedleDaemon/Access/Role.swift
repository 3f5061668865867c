import NeedleProtocol

/// What a peer may do on the control socket. Roles nest: each may do everything the one
/// before it may.
public enum Role: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// status, watch.
    case observer = 1
    /// + arm, disarm, start, stop, clear, selftest, mode home, sim.
    case `operator`
    /// + mode clinical, calibrate, arm with an override of the area's limits.
    case clinician

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .observer: "observer"
        case .operator: "operator"
        case .clinician: "clinician"
        }
    }

    /// The least role that may run `command`. Narrowing to home mode takes only an
    /// operator; widening to clinical takes a clinician. A calibration decides every depth
    /// the pen will measure, and an override lifts an area's limits: both are clinical
    /// judgements, so both take a clinician (the core refuses an override again by itself).
    public static func required(for command: Command) -> Role {
        switch command {
        case .status, .watch: .observer
        // Records name the peer's uid and cartridge lots: an operator's, not a bystander's.
        case .history, .plan, .session, .verify: .operator
        // A follow-up finding is the operator's or the clinician's to record; a backup
        // carries every record, so it takes the same role as reading them.
        case .note, .backup: .operator
        case .arm(let arm): arm.override ? .clinician : .operator
        case .disarm, .start, .stop, .clear, .selftest, .sim: .operator
        case .mode(let mode): mode == .clinical ? .clinician : .operator
        case .calibrate: .clinician
        }
    }
}
