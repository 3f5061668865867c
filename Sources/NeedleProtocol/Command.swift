/// One request's command with its validated, typed arguments.
///
/// Decoded from `cmd` + `args` by `init(name:arguments:)`; encoded back by `name` + `arguments`.
/// Syntactic checks (types, fixed ranges) happen here; mode-dependent ones in the daemon's core.
public enum Command: Sendable, Hashable {
    case status
    case watch(WatchArguments)
    case arm(ArmArguments)
    case disarm
    case start
    case stop
    case mode(OperatingMode)
    case clear
    case calibrate(CalibrationStep)
    case selftest
    /// The treatment records, optionally of one area and from a date on.
    case history(HistoryArguments)
    /// Each area's preset, sessions so far and next allowed date.
    case plan(PlanArguments)
    /// One session's record with its depth and stroke-rate trace (for `needlectl report`).
    case session(SessionArguments)
    /// Appends a follow-up note or adverse event to a session.
    case note(NoteArguments)
    /// Checks the records' hash chain.
    case verify
    /// A consistent copy of the records, in chunks.
    case backup(BackupArguments)
    case sim(SimAction)

    /// The `cmd` strings of the wire.
    public enum Name: String, Sendable, CaseIterable, Hashable {
        case status, watch, arm, disarm, start, stop, mode, clear, calibrate, selftest, history, plan, session, note, verify, backup, sim
    }

    /// Builds a command from the wire's `cmd` and `args`.
    /// - Throws: `unknown_command` for an unknown name, `invalid_request` (naming the field)
    ///   for arguments of the wrong type, out of range, missing or unknown.
    public init(name: String, arguments: [String: JSONValue]) throws(ProtocolError) {
        guard let known = Name(rawValue: name) else {
            let shown = name.count <= 40 ? name : String(name.prefix(40)) + "…"
            throw ProtocolError(
                .unknownCommand, "unknown command \"\(shown)\" (known: \(ArgumentReader.choices(Name.self)))")
        }
        var reader = ArgumentReader(command: name, args: arguments)
        switch known {
        case .status: self = .status
        case .watch: self = .watch(try WatchArguments(reading: &reader))
        case .arm: self = .arm(try ArmArguments(reading: &reader))
        case .disarm: self = .disarm
        case .start: self = .start
        case .stop: self = .stop
        case .mode: self = .mode(try reader.requiredEnum("mode", OperatingMode.self))
        case .clear: self = .clear
        case .calibrate: self = .calibrate(try CalibrationStep(reading: &reader))
        case .selftest: self = .selftest
        case .history: self = .history(try HistoryArguments(reading: &reader))
        case .plan: self = .plan(try PlanArguments(reading: &reader))
        case .session: self = .session(try SessionArguments(reading: &reader))
        case .note: self = .note(try NoteArguments(reading: &reader))
        case .verify: self = .verify
        case .backup: self = .backup(try BackupArguments(reading: &reader))
        case .sim: self = .sim(try SimAction(reading: &reader))
        }
        try reader.finish()
    }

    public var name: Name {
        switch self {
        case .status: .status
        case .watch: .watch
        case .arm: .arm
        case .disarm: .disarm
        case .start: .start
        case .stop: .stop
        case .mode: .mode
        case .clear: .clear
        case .calibrate: .calibrate
        case .selftest: .selftest
        case .history: .history
        case .plan: .plan
        case .session: .session
        case .note: .note
        case .verify: .verify
        case .backup: .backup
        case .sim: .sim
        }
    }

    /// The `args` object of the wire form.
    public var arguments: [String: JSONValue] {
        switch self {
        case .status, .disarm, .start, .stop, .clear, .selftest, .verify: [:]
        case .note(let note): note.arguments
        case .backup(let backup): backup.arguments
        case .plan(let plan): plan.arguments
        case .history(let history): history.arguments
        case .session(let session): session.arguments
        case .watch(let watch): watch.arguments
        case .arm(let arm): arm.arguments
        case .mode(let mode): ["mode": .string(mode.rawValue)]
        case .calibrate(let step): step.arguments
        case .sim(let action): action.arguments
        }
    }

    /// Re-checks the command by the decoder's rules, so a client can refuse what the daemon
    /// would refuse (e.g. a `SimAction.load` fraction outside 0…1) before sending it.
    public func validated() throws(ProtocolError) -> Command {
        try Command(name: name.rawValue, arguments: arguments)
    }
}
