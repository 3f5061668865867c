#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// needle-hil: runs HIL scenario files against needled in one world (hardware/hil/README.md).
// No Foundation: it runs statically linked inside the VM rig.

let usage = """
    usage: needle-hil --world sim|kernel --needled PATH --needlectl PATH [--work DIR]
                      [--daemon-arg ARG]... [--junit FILE] [--attach SOCKET] SCENARIO.hil...
    Starts needled for each scenario (in the world's backend), runs its steps, prints each
    step with PASS/FAIL and timing, and exits 1 naming the first failing scenario and step
    (2 on usage errors). --junit also writes the results as JUnit XML (one test case per
    scenario, a failure's message naming its step) for a CI system to read. --attach: no
    daemon of its own; the scenarios run against the one listening on SOCKET (configured
    for the world by its owner, e.g. systemd).
    """

signal(SIGPIPE, SIG_IGN)

func runMain() -> Int32 {
    var options = RunnerOptions()
    var worldName = ""
    var files: [String] = []
    var junitPath: String?
    var arguments = CommandLine.arguments.dropFirst()
    while let arg = arguments.popFirst() {
        let takesValue = ["--world", "--needled", "--needlectl", "--work", "--daemon-arg", "--junit", "--attach"].contains(arg)
        var given = ""
        if takesValue {
            guard let v = arguments.popFirst() else {
                print("needle-hil: \(arg) needs a value\n\(usage)")
                return 2
            }
            given = v
        }
        func value(_ flag: String) -> String { given }
        switch arg {
        case "--world": worldName = value(arg)
        case "--needled": options.needled = value(arg)
        case "--needlectl": options.needlectl = value(arg)
        case "--work": options.workDirectory = value(arg)
        case "--daemon-arg": options.daemonExtra.append(value(arg))
        case "--junit": junitPath = value(arg)
        case "--attach": options.attachSocket = value(arg)
        case "-h", "--help":
            print(usage)
            return 0
        default:
            if arg.hasPrefix("--") {
                print("needle-hil: unknown option \(arg)\n\(usage)")
                return 2
            }
            files.append(arg)
        }
    }
    guard !options.needled.isEmpty, !options.needlectl.isEmpty, !files.isEmpty, worldName == "sim" || worldName == "kernel" else {
        print(usage)
        return 2
    }
    Posix.mkdirs(options.workDirectory)

    var scenarios: [Scenario] = []
    for file in files {
        guard let text = Posix.read(file) else {
            print("needle-hil: cannot read \(file)")
            return 2
        }
        let base = String(file.split(separator: "/").last ?? Substring(file))
        let name = base.hasSuffix(".hil") ? String(base.dropLast(4)) : base
        do throws(ParseError) {
            scenarios.append(try ScenarioParser.parse(name: name, text: text))
        } catch {
            print("needle-hil: \(error)")
            return 2
        }
    }

    let world: any World
    do throws(HILError) {
        world = worldName == "sim" ? SimWorld() : try KernelWorld(workDirectory: options.workDirectory, attached: options.attachSocket != nil)
    } catch {
        print("needle-hil: the \(worldName) world is not available: \(error)")
        return 1
    }

    let runner = Runner(options: options, world: world)
    var outcomes: [ScenarioOutcome] = []
    let started = Posix.nowNs()
    for scenario in scenarios {
        var outcome = runner.run(scenario)
        // An emulator that cannot keep the loop's real time is not the pen failing: the run is
        // repeated (twice at most), and said so. Each run is judged as strictly as the first.
        var retries = 0
        while retries < 2, let heldUs = outcome.emulatorStallUs {
            retries += 1
            print("RETRY \(scenario.name): the loop was held \(heldUs) µs (sensor timeout 5000 µs), so sensor_fault latched as it must; the run is repeated")
            outcome = runner.run(scenario)
        }
        outcome.retries = retries
        outcomes.append(outcome)
    }

    var passed = 0, failed = 0, skipped = 0
    var firstFailure: String?
    print("SUMMARY [\(worldName)]")
    for outcome in outcomes {
        switch outcome.verdict {
        case .passed:
            passed += 1
            print("  PASS    \(outcome.name) (\(ms(outcome.elapsedNs)))")
        case .skipped(let why):
            skipped += 1
            print("  SKIP    \(outcome.name) (\(why))")
        case .failed(let step, let what, let why):
            failed += 1
            print("  FAIL    \(outcome.name) at step \(step) \"\(what)\": \(why)")
            if firstFailure == nil { firstFailure = "\(outcome.name) step \(step) \"\(what)\"" }
        }
    }
    let trips = outcomes.flatMap(\.tripDelaysNs).sorted()
    if !trips.isEmpty {
        let mean = trips.reduce(0, +) / UInt64(trips.count)
        print("TRIP-DELAY [\(worldName)] n=\(trips.count) min=\(us(trips[0])) median=\(us(trips[trips.count / 2])) mean=\(us(mean)) max=\(us(trips[trips.count - 1]))")
    }
    let elapsedNs = Posix.nowNs() - started
    print("HIL [\(worldName)]: \(passed) passed, \(failed) failed, \(skipped) skipped in \(ms(elapsedNs))")
    if let junitPath {
        let xml = JUnitReport.xml(world: worldName, outcomes: outcomes, elapsedNs: elapsedNs)
        if let error = Posix.write(xml, to: junitPath, create: true) {
            print("needle-hil: cannot write the JUnit report \(junitPath): \(error)")
            return 1
        }
    }
    if let firstFailure {
        print("HIL FAILED: \(firstFailure)")
        return 1
    }
    return 0
}

exit(runMain())
