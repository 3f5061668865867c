import ArgumentParser
import NeedleProtocol

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the pen's status.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try Client.run(.status, options: global, confirmation: "")
    }
}

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Stream status, one line per sample and on every state change.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("interval-ms"), help: "Sampling interval, 10…10000 ms.")
    var intervalMS = WatchArguments.defaultIntervalMS

    @Option(help: "Stop after this many events (default: until interrupted).")
    var count: Int?

    func validate() throws {
        _ = try command()
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    private func command() throws -> Command {
        do {
            return .watch(try WatchArguments(intervalMS: intervalMS))
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let connection = try Client.connect(global)
        _ = try Client.exchange(try command(), on: connection, options: global)
        var received = 0
        while count.map({ received < $0 }) ?? true {
            let message: ServerMessage
            do {
                message = try connection.receive()
            } catch {
                printError("error: \(error)")
                throw ExitCode(Exit.unreachable)
            }
            guard case .event(.telemetry(let status)) = message else { continue }
            print(global.json ? Client.jsonText(status) : StatusFormatter.line(status))
            flushStandardOutput()
            received += 1
        }
    }
}
