import ArgumentParser
import NeedleProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Control socket path (default: $NEEDLED_SOCKET or /run/needled/control.sock).")
    var socket: String?

    @Flag(name: .long, help: "Print the raw JSON result (errors: the error object on stderr).")
    var json = false

    var socketPath: String {
        if let socket { return socket }
        if let value = getenv("NEEDLED_SOCKET"), case let path = String(cString: value), !path.isEmpty { return path }
        return ControlSocket.defaultPath
    }
}

extension Command {
    /// The command checked by the daemon's own decoder rules, as a usage error when invalid.
    func validatedForUsage() throws -> Command {
        do {
            return try validated()
        } catch {
            throw ValidationError(error.message)
        }
    }
}
