import ArgumentParser
import NeedleProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `selftest`: starts the pen's self-test and waits for its verdict. The daemon answers the
/// request at once (the test runs on the control loop for a few hundred ms), so the verdict
/// comes from polling `status` on the same connection.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Run the self-test (sensor, steadiness, cartridge, motor, heartbeat) and wait for its result.",
        discussion: """
            Idle only; the motor spins briefly at the lowest level (never on an uncalibrated pen, \
            nor without a trusted depth inside the mode's window). The power-on self-test skips \
            that spin: the motor turns only on an operator's action. A pen arms only after a \
            self-test passed. Exit 0 when it passed; 1 when it failed (the selftest_failed fault \
            then stays latched until `needlectl clear`, and arming is refused until a self-test \
            passes), was ended by stop/disarm, or gave no verdict within 10 s.
            """)

    @OptionGroup var global: GlobalOptions

    /// 20 polls a second: well under a connection's request limit (50/s), and finer than any
    /// of the test's steps.
    static let pollIntervalNs: UInt64 = 50_000_000
    static let timeoutNs: UInt64 = 10_000_000_000

    func run() throws {
        let connection = try Client.connect(global)
        var status = try Self.status(of: try Client.exchange(.selftest, on: connection, options: global), global)
        let deadline = Self.nowNs() + Self.timeoutNs
        while status.selfTest.result == .running {
            guard Self.nowNs() < deadline else {
                if global.json { print(Client.jsonText(status)) }
                printError(
                    "error: the self-test gave no verdict within \(Self.timeoutNs / 1_000_000_000) s "
                        + "(last step: \(status.selfTest.step ?? "unknown")); see `needlectl status`")
                throw ExitCode(Exit.refused)
            }
            usleep(useconds_t(Self.pollIntervalNs / 1000))
            status = try Self.status(of: try Client.exchange(.status, on: connection, options: global), global)
        }
        if global.json { print(Client.jsonText(status)) }
        switch status.selfTest.result {
        case .passed:
            if !global.json {
                print(status.selfTest.motor == "skipped_uncalibrated"
                    ? "self-test passed; motor step skipped: the pen is not calibrated" : "self-test passed")
            }
        case .failed:
            printError(
                "self-test failed at step \(status.selfTest.step ?? "unknown"); the selftest_failed fault is latched: "
                    + "fix the cause, clear it with `needlectl clear`, then run `needlectl selftest` again "
                    + "(the pen does not arm until a self-test passes)")
            throw ExitCode(Exit.refused)
        case .notRun, .running:
            printError("self-test ended without a verdict (a stop or disarm ends it)")
            throw ExitCode(Exit.refused)
        }
    }

    /// The status a reply carries; anything else means the daemon speaks another protocol.
    private static func status(of payload: ResultPayload, _ options: GlobalOptions) throws -> StatusResult {
        guard case .status(let status) = payload else {
            printError("error: needled at \(options.socketPath) did not answer with a status: \(Client.jsonText(payload))")
            throw ExitCode(Exit.unreachable)
        }
        return status
    }

    private static func nowNs() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(clamping: now.tv_sec) * 1_000_000_000 + UInt64(clamping: now.tv_nsec)
    }
}
