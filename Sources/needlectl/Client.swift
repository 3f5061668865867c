import ArgumentParser
import NeedleProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one command against the daemon and prints its outcome; shared by all subcommands.
enum Client {
    /// Sends `command`, waits for its reply and returns the result payload. Prints and exits
    /// (by throwing `ExitCode`) on refusal (1) or an unreachable daemon (3).
    static func execute(_ command: Command, options: GlobalOptions) throws -> ResultPayload {
        let connection = try connect(options)
        return try exchange(command, on: connection, options: options)
    }

    static func connect(_ options: GlobalOptions) throws -> DaemonConnection {
        do {
            return try DaemonConnection(path: options.socketPath)
        } catch {
            printError("error: \(error)")
            throw ExitCode(Exit.unreachable)
        }
    }

    /// Like `exchange`, for the many requests of one paged read (`history`, `export`,
    /// `backup`): a request answered `rate_limited` (more than the connection's 50 a second)
    /// is sent again after a pause instead of ending the read half-way.
    static func exchangePaced(_ command: Command, on connection: DaemonConnection, options: GlobalOptions) throws
        -> ResultPayload
    {
        for _ in 0..<Self.maxRateLimitedRetries {
            do {
                return try exchange(command, on: connection, options: options, quietlyRateLimited: true)
            } catch is RateLimited {
                usleep(Self.rateLimitedPauseUs)
            }
        }
        return try exchange(command, on: connection, options: options)
    }

    /// 10 s of pauses at most: the limit refills 50 requests a second.
    static let maxRateLimitedRetries = 200
    static let rateLimitedPauseUs: UInt32 = 50_000

    /// A `rate_limited` answer, when the caller will send the request again.
    struct RateLimited: Error {}

    /// Sends one request on `connection` and returns its successful payload.
    static func exchange(
        _ command: Command, on connection: DaemonConnection, options: GlobalOptions, quietlyRateLimited: Bool = false
    ) throws -> ResultPayload {
        let id: Int64 = 1
        do {
            do {
                try connection.sendRequest(Request(id: id, command: command))
            } catch {
                // needled refuses a connection (no role, busy) as soon as it arrives, before it
                // reads a request: its reason may already wait in the socket. Show it.
                guard case .reply(let reply)? = try? connection.receive(), case .failure = reply.outcome else { throw error }
                _ = try report(reply.outcome, options: options)
            }
            while true {
                guard case .reply(let reply) = try connection.receive(), reply.id == id || reply.id == nil else {
                    continue  // a stray event or another request's reply
                }
                if quietlyRateLimited, case .failure(let error) = reply.outcome, error.code == .rateLimited {
                    throw RateLimited()
                }
                return try report(reply.outcome, options: options)
            }
        } catch let error as ConnectionError {
            printError("error: \(error)")
            throw ExitCode(Exit.unreachable)
        }
    }

    /// The payload of a success; a refusal is printed and exits 1.
    private static func report(_ outcome: Reply.Outcome, options: GlobalOptions) throws -> ResultPayload {
        switch outcome {
        case .success(let payload):
            return payload
        case .failure(let error):
            if options.json {
                printError(jsonText(error))
            } else {
                printError("error: \(error.code.rawValue): \(error.message)")
            }
            throw ExitCode(Exit.refused)
        }
    }

    /// Runs a command and prints its result: raw JSON with `--json`, else the status table,
    /// the daemon's message, or `confirmation`.
    static func run(_ command: Command, options: GlobalOptions, confirmation: String) throws {
        let payload = try execute(command, options: options)
        if options.json {
            print(jsonText(payload))
            return
        }
        switch payload {
        case .status(let status): print(StatusFormatter.table(status))
        case .message(let message): print(message)
        case .empty: print(confirmation)
        case .json: print(jsonText(payload))
        }
    }

    static func jsonText(_ value: some Encodable) -> String {
        guard let bytes = try? WireCoding.encode(value) else { return "{}" }
        return String(decoding: bytes, as: UTF8.self)
    }
}
