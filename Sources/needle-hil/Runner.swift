#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NeedleProtocol

struct RunnerOptions {
    var needled = ""
    var needlectl = ""
    var workDirectory = "/tmp/needle-hil"
    var daemonExtra: [String] = []
    /// A running daemon's socket (the system rig's, started by systemd): scenarios run
    /// against it instead of a daemon of their own; its configuration, state and lifetime
    /// are the system's, so steps that signal or await the daemon fail.
    var attachSocket: String?
    /// Per-scenario budget for the daemon to open its socket (TCG boots are slow).
    var startTimeoutNs: UInt64 = 20_000_000_000
}

struct ScenarioOutcome {
    enum Verdict { case passed, failed(step: Int, what: String, why: String), skipped(String) }
    var name: String
    var verdict: Verdict
    var elapsedNs: UInt64
    var tripDelaysNs: [UInt64] = []
    /// The daemon's log when the scenario failed (empty otherwise).
    var daemonLog = ""
    /// The lines printed for this scenario's steps, in order (the JUnit report's system-out).
    var console: [String] = []
    /// How often the run was repeated after an emulator stall (main.swift).
    var retries = 0

    /// Prints a step's line on the console, as always, and keeps it for the JUnit report.
    mutating func say(_ line: String) {
        print(line)
        console.append(line)
    }

    /// How long (µs) the emulator held the daemon's loop, when that is what failed the run:
    /// `sensor_fault` latched and the loop reported waking at least 4 ms late (with the 1 ms
    /// period, past the 5 ms sensor timeout). The pen did what it must — a gap in its depth
    /// samples stops the motor — so the run says nothing of the step under test. Nil
    /// otherwise.
    var emulatorStallUs: Int? {
        guard case .failed = verdict, daemonLog.contains("fault=sensor_fault") else { return nil }
        var worst = 0
        for field in daemonLog.split(whereSeparator: { $0 == " " || $0 == "\n" }) where field.hasPrefix("worst_late_us=") {
            worst = max(worst, Int(field.dropFirst("worst_late_us=".count)) ?? 0)
        }
        return worst >= 4_000 ? worst : nil
    }
}

/// Runs scenarios one by one, each on a fresh daemon, against one world.
final class Runner {
    let options: RunnerOptions
    let world: any World

    init(options: RunnerOptions, world: any World) {
        self.options = options
        self.world = world
    }

    func run(_ scenario: Scenario) -> ScenarioOutcome {
        let start = Posix.nowNs()
        if !scenario.onlyWorlds.isEmpty, !scenario.onlyWorlds.contains(world.name) {
            let why = "only for the \(scenario.onlyWorlds.sorted().joined(separator: ", ")) world"
            print("SCENARIO \(scenario.name) [\(world.name)]: SKIPPED (\(why))")
            return ScenarioOutcome(name: scenario.name, verdict: .skipped(why), elapsedNs: 0)
        }
        print("SCENARIO \(scenario.name) [\(world.name)]")
        let base = options.workDirectory + "/" + scenario.name
        let socket = options.attachSocket ?? base + ".sock"
        let logPath = base + ".needled.log"
        let stateDirectory = base + ".state"
        let ctl = Ctl(path: options.needlectl, socket: socket, outputPath: base + ".ctl.out")
        let client = ControlClient(path: socket)
        var daemon: Child?
        var outcome = ScenarioOutcome(name: scenario.name, verdict: .passed, elapsedNs: 0)
        outcome.console.append("SCENARIO \(scenario.name) [\(world.name)]")
        defer {
            world.detach()
            client.disconnect()
            if let daemon, daemon.poll() == nil {
                daemon.signal(SIGTERM)
                if daemon.wait(timeoutNs: 5_000_000_000) == nil {
                    daemon.signal(SIGKILL)
                    _ = daemon.wait(timeoutNs: 2_000_000_000)
                }
            }
            if options.attachSocket == nil { unlink(socket) }
        }
        func fail(_ index: Int, _ what: String, _ why: String) -> ScenarioOutcome {
            outcome.say("  FAIL \(pad(index)) \(what): \(why)")
            if let daemon {
                let log = daemon.output.split(separator: "\n").suffix(12)
                for line in log { outcome.say("       needled| \(line)") }
            }
            outcome.verdict = .failed(step: index, what: what, why: why)
            outcome.daemonLog = daemon?.output ?? ""
            outcome.elapsedNs = Posix.nowNs() - start
            outcome.say("RESULT FAIL \(scenario.name) step \(index): \(what)")
            return outcome
        }

        // Setup (step 0): world, daemon, socket, a clean idle state.
        do throws(HILError) {
            if options.attachSocket != nil {
                try world.prepare()
                guard client.reachable() else { throw .spawn("no daemon answers on \(socket)") }
            } else {
                unlink(socket)
                // Each scenario starts from the calibration its world's configuration gives, never
                // from one a previous run stored (nor from the machine's /var/lib/needled).
                unlink(stateDirectory + "/calibration")
                unlink(stateDirectory + "/calibration.tmp")
                // …and with no treatment history (a re-run would otherwise meet its own last
                // session's interval guard).
                for suffix in ["", "-wal", "-shm"] { unlink(stateDirectory + "/treatments.sqlite" + suffix) }
                var configArguments: [String] = []
                if let configuration = world.configuration {
                    if let error = Posix.write(configuration, to: base + ".toml", create: true) {
                        throw .world("writing needled's configuration: \(error)")
                    }
                    configArguments = ["--config", base + ".toml"]
                }
                try world.prepare()
                let child = try Child(
                    path: options.needled,
                    arguments: world.daemonArguments + configArguments + ["--socket", socket, "--state-dir", stateDirectory]
                        + options.daemonExtra,
                    outputPath: logPath)
                daemon = child
                let deadline = Posix.nowNs() + options.startTimeoutNs
                while !client.reachable() {
                    if let t = child.poll() { throw .spawn("needled ended before opening its socket (\(t))") }
                    if Posix.nowNs() > deadline { throw .timeout("needled did not open \(socket) in time") }
                    Posix.sleep(ns: 10_000_000)
                }
            }
            try world.attach(client: client, ctl: ctl)
            if options.attachSocket != nil {
                // The running daemon read the seated cartridge long ago (at boot, or an earlier
                // run's): it reads one again only after seeing it out, as a user would change it.
                try world.seatNewCartridge()
                try waitForFreshCartridge(client)
            }
            try settle(client)
            outcome.say("  PASS \(pad(0)) setup: \(options.attachSocket == nil ? "needled up" : "attached to the running needled"), world attached, idle without faults (\(ms(Posix.nowNs() - start)))")
        } catch {
            return fail(0, "setup", error.description)
        }

        for (offset, step) in scenario.steps.enumerated() {
            let index = offset + 1
            let stepStart = Posix.nowNs()
            do throws(HILError) {
                let note = try perform(step, daemon: daemon, client: client, ctl: ctl, outcome: &outcome)
                let elapsed = Posix.nowNs() - stepStart
                outcome.say("  PASS \(pad(index)) \(step) (\(ms(elapsed)))\(note.map { " — " + $0 } ?? "")")
            } catch {
                return fail(index, step.description, error.description)
            }
        }
        outcome.elapsedNs = Posix.nowNs() - start
        outcome.say("RESULT PASS \(scenario.name) (\(scenario.steps.count) steps, \(ms(outcome.elapsedNs)))")
        return outcome
    }

    /// Until the daemon has read the seated cartridge's identity and found it unused.
    private func waitForFreshCartridge(_ client: ControlClient) throws(HILError) {
        let deadline = Posix.nowNs() + 2_000_000_000
        var last = ""
        while Posix.nowNs() < deadline {
            guard case .object(let s) = try client.request("status"), case .object(let cartridge)? = s["cartridge"] else {
                throw .socket("status has no cartridge object")
            }
            last = "state=\(cartridge["state"]?.scenarioText ?? "?") used=\(cartridge["used"]?.scenarioText ?? "?")"
            if cartridge["state"]?.scenarioText == "identified", cartridge["used"]?.scenarioText == "false" { return }
            Posix.sleep(ns: 10_000_000)
        }
        throw .timeout("the new cartridge was not identified as unused: \(last)")
    }

    /// The world may have started with an input reading unsafe (a kernel line's bias is
    /// applied when the daemon requests it, before the world re-asserts its pulls): clear
    /// what latched, so every scenario starts idle with no faults.
    /// Also, as an operator would, it runs `selftest` when the power-on self-test did not pass:
    /// a pen arms only after a passed self-test, and on the kernel's devices the power-on test
    /// can find the world not yet attached (a fault latched at boot keeps it from starting).
    private func settle(_ client: ControlClient) throws(HILError) {
        let deadline = Posix.nowNs() + 10_000_000_000
        var last = ""
        var selfTestsAsked = 0
        while Posix.nowNs() < deadline {
            let status = try client.request("status")
            guard case .object(let s) = status else { throw .socket("status is not an object") }
            let faults = s["faults"]?.scenarioText ?? ""
            let state = s["state"]?.scenarioText ?? ""
            var selfTest = "?"
            var step = "?"
            if case .object(let test)? = s["self_test"] {
                selfTest = test["result"]?.scenarioText ?? "?"
                step = test["step"]?.scenarioText ?? "?"
            }
            last = "state=\(state) faults=\(faults) self_test=\(selfTest)"
            if faults.isEmpty && state == "idle" {
                if selfTest == "passed" { return }
                if selfTest == "failed", selfTestsAsked > 0 {
                    // The operator's own self-test failed with the world attached: the pen's fault.
                    throw .world("the self-test failed at step \(step)")
                }
                if selfTest != "running" {
                    _ = try client.request("selftest")
                    selfTestsAsked += 1
                }
            }
            if !faults.isEmpty, state != "self_test" { _ = try? client.request("clear") }
            Posix.sleep(ns: 20_000_000)
        }
        throw .timeout("the pen did not settle idle without faults after a passed self-test: \(last)")
    }

    /// Runs one step; returns a note for the report.
    private func perform(
        _ step: Step, daemon: Child?, client: ControlClient, ctl: Ctl, outcome: inout ScenarioOutcome
    ) throws(HILError) -> String? {
        switch step {
        case .only(let name, let inner):
            guard name == world.name else { return "skipped: \(name) world only" }
            return try perform(inner, daemon: daemon, client: client, ctl: ctl, outcome: &outcome)
        case .world(let change):
            try world.apply(change)
            return nil
        case .ctl(let arguments, let expected):
            let (termination, output) = try ctl.run(arguments)
            guard termination == .exited(expected) else {
                throw .scenario("needlectl \(termination), expected exit \(expected): \(output.split(separator: "\n").prefix(3).joined(separator: " | "))")
            }
            return nil
        case .expectStatus(let conditions, let within):
            return try poll(conditions, withinNs: within) { () throws(HILError) -> [String: (String, Double?)] in
                guard case .object(let s) = try client.request("status") else { throw .socket("status is not an object") }
                var fields: [String: (String, Double?)] = [:]
                for (k, v) in s { fields[k] = (v.scenarioText, v.number) }
                return fields
            }
        case .expectLine(let conditions, let within):
            return try poll(conditions, withinNs: within) { () throws(HILError) -> [String: (String, Double?)] in
                var fields: [String: (String, Double?)] = [:]
                for (k, v) in try world.lines() { fields[k] = (String(v), Double(v)) }
                return fields
            }
        case .expectExit(let wanted, let within):
            guard let daemon else { throw .scenario("no daemon") }
            let timeout = within == 0 ? 5_000_000_000 : within
            guard let got = daemon.wait(timeoutNs: timeout) else {
                throw .scenario("needled still running after \(ms(timeout))")
            }
            guard got == wanted else { throw .scenario("needled \(got), expected \(wanted)") }
            return "\(got)"
        case .wait(let ns):
            Posix.sleep(ns: ns)
            return nil
        case .signal(_, let number):
            guard let daemon, daemon.poll() == nil else { throw .scenario("needled is not running") }
            daemon.signal(number)
            return nil
        case .measureTripDelay(let count):
            var delays: [UInt64] = []
            for trip in 1...count {
                guard let delay = try world.tripDelayNs(depthMM: 1.01) else {
                    return "the \(world.name) world cannot measure it: skipped"
                }
                delays.append(delay)
                outcome.say("       trip \(trip): over-depth sample written → MOTOR_EN low in \(us(delay))")
                // Back to a running treatment for the next trip.
                try world.apply(.depth(0.95))
                let status = { () throws(HILError) -> [String: (String, Double?)] in
                    guard case .object(let s) = try client.request("status") else { throw .socket("status is not an object") }
                    return s.mapValues { ($0.scenarioText, $0.number) }
                }
                _ = try poll([Condition(key: "depth_mm", op: .lt, value: "0.97")], withinNs: 2_000_000_000, read: status)
                _ = try client.request("clear")
                // The trip closed the session; the next arm needs a fresh cartridge, the
                // last one too: a serial in the records is refused at arm (issue 12).
                try world.seatNewCartridge()
                try waitForFreshCartridge(client)
                _ = try client.request("arm", argsJSON: #"{"depth_mm":0.95,"speed":5}"#)
                if trip < count {
                    _ = try client.request("start")
                    _ = try poll([Condition(key: "motor_on", op: .eq, value: "true")], withinNs: 2_000_000_000, read: status)
                    Posix.sleep(ns: 200_000_000)
                }
            }
            outcome.tripDelaysNs += delays
            let sorted = delays.sorted()
            let summary = "TRIP-DELAY n=\(sorted.count) min=\(us(sorted[0])) median=\(us(sorted[sorted.count / 2])) max=\(us(sorted[sorted.count - 1]))"
            outcome.say("       \(summary)")
            return summary
        }
    }

    /// Polls until every condition holds. Passes when a poll begun no later than the bound
    /// sees them all; `within 0` is a single poll.
    private func poll(
        _ conditions: [Condition], withinNs: UInt64, read: () throws(HILError) -> [String: (String, Double?)]
    ) throws(HILError) -> String? {
        let start = Posix.nowNs()
        var last: [String: (String, Double?)] = [:]
        while true {
            let pollStart = Posix.nowNs()
            let fields = try read()
            last = fields
            let ok = conditions.allSatisfy { c in
                guard let (text, number) = fields[c.key] else { return false }
                return c.holds(text, number: number)
            }
            if ok { return "seen after \(ms(pollStart - start))" }
            if Posix.nowNs() - start > withinNs { break }
            Posix.sleep(ns: 500_000)
        }
        let seen = conditions.map { c in "\(c.key)=\(last[c.key]?.0 ?? "(absent)")" }.joined(separator: " ")
        throw .scenario("not within \(ms(withinNs)); last seen \(seen)")
    }
}

func pad(_ n: Int) -> String { n < 10 ? " \(n)" : "\(n)" }

func ms(_ ns: UInt64) -> String {
    let tenths = (ns + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10) ms"
}

func us(_ ns: UInt64) -> String {
    "\((ns + 500) / 1000) µs"
}
