import ArgumentParser
import NeedleProtocol

extension SimulatedFault: ExpressibleByArgument {}

/// `sim …`: drive the simulated pen's world (refused by a daemon on real hardware).
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim", abstract: "Drive the simulated pen (simulated hardware only).",
        subcommands: [Depth.self, Fault.self, Load.self, Trigger.self, Lines.self])

    struct Depth: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn the depth collar to a depth in mm.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Depth in mm.") var millimetres: Double
        func validate() throws { _ = try Command.sim(.depth(depthMM: millimetres)).validatedForUsage() }
        func run() throws { try Client.run(.sim(.depth(depthMM: millimetres)), options: global, confirmation: "ok") }
    }

    struct Fault: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Inject a fault cause (or remove it with --clear).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "One of: \(SimulatedFault.allCases.map(\.rawValue).joined(separator: ", ")).")
        var name: SimulatedFault
        @Flag(help: "Remove the cause instead of injecting it.") var clear = false
        func run() throws { try Client.run(.sim(.fault(name, clear: clear)), options: global, confirmation: "ok") }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the motor's mechanical load, 0…1.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Load fraction 0 (free) … 1 (stalled).") var fraction: Double
        func validate() throws { _ = try Command.sim(.load(fraction: fraction)).validatedForUsage() }
        func run() throws { try Client.run(.sim(.load(fraction: fraction)), options: global, confirmation: "ok") }
    }

    struct Trigger: ParsableCommand {
        enum Action: String, ExpressibleByArgument, CaseIterable {
            case press, release
        }
        static let configuration = CommandConfiguration(abstract: "Press or release the trigger.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "press or release") var action: Action
        func run() throws {
            try Client.run(.sim(.trigger(pressed: action == .press)), options: global, confirmation: "ok")
        }
    }

    struct Lines: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the levels the daemon drives on the output lines and the PWM.")
        @OptionGroup var global: GlobalOptions
        func run() throws { try Client.run(.sim(.lines), options: global, confirmation: "ok") }
    }
}
