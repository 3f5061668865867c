import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exit codes of needlectl (DESIGN §5).
enum Exit {
    static let done: Int32 = 0
    static let refused: Int32 = 1
    static let usage: Int32 = 2
    static let unreachable: Int32 = 3
}

struct NeedleCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "needlectl",
        abstract: "Control the needled microneedling pen daemon.",
        discussion: """
            Exit codes: 0 done, 1 refused by the daemon, 2 usage, 3 daemon unreachable.
            The socket is --socket, else $NEEDLED_SOCKET, else /run/needled/control.sock.
            --socket and --json may be given before the subcommand or after it.
            """,
        subcommands: [
            StatusCommand.self, WatchCommand.self, ArmCommand.self, DisarmCommand.self, StartCommand.self,
            StopCommand.self, ModeCommand.self, ClearCommand.self, CalibrateCommand.self, SelftestCommand.self,
            HistoryCommand.self, ExportCommand.self, NoteCommand.self, BackupCommand.self, PlanCommand.self, ReportCommand.self,
            SimCommand.self,
        ])

    /// Parses, runs, and exits with needlectl's codes: argument-parser reports usage errors as
    /// EX_USAGE (64); they are mapped to 2 here.
    static func runAndExit() -> Never {
        // A daemon that closes mid-request must give exit 3, not death by SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot(GlobalArgumentOrder.normalized(Array(CommandLine.arguments.dropFirst())))
            try command.run()
            terminate(Exit.done)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                terminate(Exit.done)
            }
            if !message.isEmpty { printError(message) }
            if code == .validationFailure { terminate(Exit.usage) }
            terminate(code.rawValue)
        }
    }
}

/// Writes one line to standard error.
func printError(_ text: String) {
    fflush(nil)  // keep stdout and stderr in order
    let bytes = Array((text + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        guard written > 0 else { return }
        offset += written
    }
}

/// Pushes buffered standard output out now (watch output goes to pipes line by line).
func flushStandardOutput() {
    fflush(nil)
}

/// Exits the process (outside `NeedleCtl`, whose static `exit(withError:)` shadows libc's).
func terminate(_ code: Int32) -> Never {
    fflush(nil)
    exit(code)
}
