import ArgumentParser
import NeedleProtocol

/// `calibrate zero` then `calibrate span --depth MM`: the two-point depth calibration
/// (clinicians only). The daemon stores the result and uses it at once.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Calibrate the depth sensor (clinicians only): zero, then span.",
        discussion: """
            With the needles retracted to 0 mm run `calibrate zero`; then turn the collar to a \
            depth you can measure and run `calibrate span --depth MM`. The daemon computes the \
            calibration, stores it in its state directory and uses it at once. The motor must \
            be stopped and the pen disarmed.
            """,
        subcommands: [Zero.self, Span.self])

    struct Zero: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Capture the collar's angle at 0 mm.")
        @OptionGroup var global: GlobalOptions
        func run() throws { try Client.run(.calibrate(.zero), options: global, confirmation: "zero captured") }
    }

    struct Span: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capture the collar's angle at a known depth; store and use the new calibration.")
        @OptionGroup var global: GlobalOptions

        @Option(help: "The depth the collar is at now, in mm (above 0, at most \(CalibrationStep.maxSpanDepthMM)).")
        var depth: Double

        func validate() throws { _ = try command() }

        private func command() throws -> Command {
            do {
                return try Command.calibrate(.span(depthMM: depth)).validated()
            } catch {
                throw ValidationError(error.message.replacingArgumentNames())
            }
        }

        func run() throws { try Client.run(try command(), options: global, confirmation: "calibrated") }
    }
}
