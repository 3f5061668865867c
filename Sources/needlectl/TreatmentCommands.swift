import ArgumentParser
import NeedleProtocol

extension OperatingMode: ExpressibleByArgument {}

struct ArmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arm", abstract: "Arm a treatment plan (the motor starts only with `start` or the trigger).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Treatment area, e.g. forehead, cheeks, neck; its preset fills in what is not given.")
    var area: String?

    @Option(help: "Needle depth in mm (home 0.05–0.95, clinical 1.00–2.95; default: the area's).")
    var depth: Double?

    @Option(help: "Speed setting 1…10 (default: the area's, else \(ArmArguments.defaultSpeed)).")
    var speed: Int?

    @Option(help: "Run time in seconds, up to 3600 (default: the area's session time, else no limit).")
    var duration: Double?

    @Flag(help: "Treat outside the area's depth range (clinicians only).")
    var override = false

    @Option(help: "The client's reference (1–32 letters, digits, - or _; never a name). Required in clinical mode.")
    var client: String?

    func validate() throws { _ = try command() }

    private func command() throws -> Command {
        do {
            return .arm(try ArmArguments(depthMM: depth, speed: speed, area: area, durationS: duration, override: override, client: client))
        } catch {
            throw ValidationError(error.message.replacingArgumentNames())
        }
    }

    func run() throws {
        try Client.run(try command(), options: global, confirmation: "armed")
    }
}

struct DisarmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disarm", abstract: "Drop the armed plan.")
    @OptionGroup var global: GlobalOptions
    func run() throws { try Client.run(.disarm, options: global, confirmation: "disarmed") }
}

struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start the motor on the armed plan.")
    @OptionGroup var global: GlobalOptions
    func run() throws { try Client.run(.start, options: global, confirmation: "started") }
}

struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the motor.")
    @OptionGroup var global: GlobalOptions
    func run() throws { try Client.run(.stop, options: global, confirmation: "stopped") }
}

struct ClearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear", abstract: "Clear latched faults whose cause is gone.")
    @OptionGroup var global: GlobalOptions
    func run() throws { try Client.run(.clear, options: global, confirmation: "cleared") }
}

struct ModeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mode", abstract: "Switch operating mode (idle only, authorized users only).")
    @OptionGroup var global: GlobalOptions

    @Argument(help: "home or clinical")
    var mode: OperatingMode

    func run() throws { try Client.run(.mode(mode), options: global, confirmation: "mode \(mode.rawValue)") }
}

extension String {
    /// Rewrites the wire's argument names in a decoder message to the CLI's option names.
    func replacingArgumentNames() -> String {
        var text = self
        for (wire, option) in [
            ("depth_mm", "--depth"), ("duration_s", "--duration"), ("speed", "--speed"), ("area", "--area"),
            ("interval_ms", "--interval-ms"), ("override", "--override"), ("client", "--client"),
        ] {
            text = text.replacingAll(wire, with: option)
        }
        return text
    }

    private func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
