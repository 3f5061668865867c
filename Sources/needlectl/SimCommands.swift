import ArgumentParser
import NeedleProtocol

extension SimulatedFault: ExpressibleByArgument {}

/// `sim …`: drive the simulated pen's world (refused by a daemon on real hardware).
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim", abstract: "Drive the simulated pen (simulated hardware only).",
        subcommands: [Depth.self, Fault.self, Load.self, Trigger.self, Lines.self, Cartridge.self])

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

    struct Cartridge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seat a new cartridge, or remove the seated one.", subcommands: [Insert.self, Remove.self])

        struct Insert: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Seat a cartridge whose ID EEPROM holds this identity.")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Serial number, 1–12 printable ASCII characters.") var serial: String
            @Option(help: "Lot number, 1–12 printable ASCII characters.") var lot: String
            @Option(help: "Needle count, 1–255.") var needles: Int
            @Flag(help: "Its used marker is already set (a cartridge from an earlier session).") var used = false

            func cartridge() throws -> SimCartridge {
                do { return try SimCartridge(serial: serial, lot: lot, needles: needles, used: used) } catch {
                    throw ValidationError(error.message)
                }
            }
            func validate() throws { _ = try cartridge() }
            func run() throws { try Client.run(.sim(.cartridgeInsert(try cartridge())), options: global, confirmation: "ok") }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Pull the seated cartridge out.")
            @OptionGroup var global: GlobalOptions
            func run() throws { try Client.run(.sim(.cartridgeRemove), options: global, confirmation: "ok") }
        }
    }

    struct Lines: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the levels the daemon drives on the output lines and the PWM.")
        @OptionGroup var global: GlobalOptions
        func run() throws { try Client.run(.sim(.lines), options: global, confirmation: "ok") }
    }
}
