/// One scenario file: a list of steps run against a fresh daemon (format: hardware/hil/README.md).
struct Scenario {
    var name: String
    /// Worlds this scenario runs in; empty means every world.
    var onlyWorlds: Set<String> = []
    var steps: [Step] = []
}

/// A change of the pen's world (the physics and the operator's hands, not the daemon).
enum WorldChange: Equatable, CustomStringConvertible {
    case depth(Double)
    case estopOpen(Bool)
    case cartridgeSeated(Bool)
    case driverFault(Bool)
    case triggerPressed(Bool)
    case magnetMissing(Bool)
    case sensorStuck(Bool)
    case sensorError(Bool)
    case tachStalled(Bool)

    var description: String {
        switch self {
        case .depth(let mm): "depth \(mm)"
        case .estopOpen(let b): "estop \(b ? "open" : "closed")"
        case .cartridgeSeated(let b): "cartridge \(b ? "seated" : "removed")"
        case .driverFault(let b): "driver-fault \(b ? "on" : "off")"
        case .triggerPressed(let b): "trigger \(b ? "press" : "release")"
        case .magnetMissing(let b): "magnet \(b ? "missing" : "ok")"
        case .sensorStuck(let b): "sensor \(b ? "stuck" : "ok")"
        case .sensorError(let b): "sensor \(b ? "error" : "ok")"
        case .tachStalled(let b): "tach \(b ? "stall" : "ok")"
        }
    }
}

/// `key=value`, `key<value`, … on a status field or a line.
struct Condition: CustomStringConvertible {
    enum Op: String, CaseIterable { case ge = ">=", le = "<=", eq = "=", lt = "<", gt = ">", has = "~" }
    var key: String
    var op: Op
    var value: String

    var description: String { key + op.rawValue + value }

    static func parse(_ text: String) -> Condition? {
        // The first operator character splits key from value; two-character operators first.
        guard let index = text.firstIndex(where: { "=<>~".contains($0) }) else { return nil }
        let key = String(text[..<index])
        guard !key.isEmpty else { return nil }
        let rest = text[index...]
        for op in Op.allCases where rest.hasPrefix(op.rawValue) {
            return Condition(key: key, op: op, value: String(rest.dropFirst(op.rawValue.count)))
        }
        return nil
    }

    /// Whether `actual` (as `JSONValue.scenarioText` gives it) satisfies this condition.
    func holds(_ actual: String, number: Double?) -> Bool {
        switch op {
        case .eq:
            if let number, let wanted = Double(value) { return abs(number - wanted) < 1e-9 }
            // Lists (faults) compare as sets, so their order does not matter.
            let a = Set(actual.split(separator: ",")), w = Set(value.split(separator: ","))
            return actual.contains(",") || value.contains(",") ? a == w : actual == value
        case .has: return actual.split(separator: ",").contains(Substring(value))
        case .lt, .gt, .le, .ge:
            guard let number, let wanted = Double(value) else { return false }
            switch op {
            case .lt: return number < wanted
            case .gt: return number > wanted
            case .le: return number <= wanted
            default: return number >= wanted
            }
        }
    }
}

indirect enum Step: CustomStringConvertible {
    /// `sim: STEP` / `kernel: STEP`: a step for one world only.
    case only(world: String, Step)
    case world(WorldChange)
    case ctl(arguments: [String], expectedExit: Int32)
    case expectStatus([Condition], withinNs: UInt64)
    case expectLine([Condition], withinNs: UInt64)
    case expectExit(Child.Termination, withinNs: UInt64)
    case wait(ns: UInt64)
    case signal(name: String, number: Int32)
    case measureTripDelay(count: Int)

    var description: String {
        func within(_ ns: UInt64) -> String { ns == 0 ? "" : " within \(ns / 1_000_000)ms" }
        switch self {
        case .only(let world, let step): return "\(world): \(step)"
        case .world(let change): return "world \(change)"
        case .ctl(let args, let exit): return "ctl \(args.joined(separator: " "))" + (exit == 0 ? "" : " => \(exit)")
        case .expectStatus(let c, let ns): return "expect status \(c.map(\.description).joined(separator: " "))\(within(ns))"
        case .expectLine(let c, let ns): return "expect line \(c.map(\.description).joined(separator: " "))\(within(ns))"
        case .expectExit(let t, let ns):
            if case .exited(let code) = t { return "expect exit \(code)\(within(ns))" }
            return "expect exit killed\(within(ns))"
        case .wait(let ns): return "wait \(ns / 1_000_000)ms"
        case .signal(let name, _): return "signal \(name)"
        case .measureTripDelay(let n): return "measure trip-delay \(n)"
        }
    }
}

struct ParseError: Error, CustomStringConvertible {
    var file: String
    var line: Int
    var message: String
    var description: String { "\(file):\(line): \(message)" }
}

enum ScenarioParser {
    static func parse(name: String, text: String) throws(ParseError) -> Scenario {
        var scenario = Scenario(name: name)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            var stepWorld: String?
            if let first = words.first, first == "sim:" || first == "kernel:" {
                stepWorld = String(first.dropLast())
                words.removeFirst()
            }
            guard let verb = words.first else { continue }
            let before = scenario.steps.count
            func fail(_ message: String) -> ParseError { ParseError(file: name, line: index + 1, message: message) }
            let rest = Array(words.dropFirst())
            switch verb {
            case "only":
                guard !rest.isEmpty, rest.allSatisfy({ $0 == "sim" || $0 == "kernel" }) else {
                    throw fail("only takes sim and/or kernel")
                }
                scenario.onlyWorlds.formUnion(rest)
            case "world":
                guard let change = worldChange(rest) else { throw fail("unknown world change '\(rest.joined(separator: " "))'") }
                scenario.steps.append(.world(change))
            case "ctl":
                var args = rest
                var exit: Int32 = 0
                if args.count >= 2, args[args.count - 2] == "=>" {
                    guard let code = Int32(args[args.count - 1]) else { throw fail("=> needs an exit code") }
                    exit = code
                    args.removeLast(2)
                }
                guard !args.isEmpty else { throw fail("ctl needs a needlectl command") }
                scenario.steps.append(.ctl(arguments: args, expectedExit: exit))
            case "expect":
                guard let what = rest.first else { throw fail("expect what? (status, line, exit)") }
                var terms = Array(rest.dropFirst())
                var within: UInt64 = 0
                if terms.count >= 2, terms[terms.count - 2] == "within" {
                    guard let ns = duration(terms[terms.count - 1]) else { throw fail("bad duration \(terms[terms.count - 1])") }
                    within = ns
                    terms.removeLast(2)
                }
                switch what {
                case "status", "line":
                    var conditions: [Condition] = []
                    for term in terms {
                        guard let c = Condition.parse(term) else { throw fail("bad condition '\(term)'") }
                        conditions.append(c)
                    }
                    guard !conditions.isEmpty else { throw fail("expect \(what) needs conditions") }
                    scenario.steps.append(what == "status" ? .expectStatus(conditions, withinNs: within) : .expectLine(conditions, withinNs: within))
                case "exit":
                    guard terms.count == 1 else { throw fail("expect exit CODE|killed") }
                    if terms[0] == "killed" {
                        scenario.steps.append(.expectExit(.signalled(9), withinNs: within))
                    } else if let code = Int32(terms[0]) {
                        scenario.steps.append(.expectExit(.exited(code), withinNs: within))
                    } else {
                        throw fail("expect exit CODE|killed")
                    }
                default: throw fail("expect status|line|exit")
                }
            case "wait":
                guard rest.count == 1, let ns = duration(rest[0]) else { throw fail("wait DURATION (e.g. 200ms)") }
                scenario.steps.append(.wait(ns: ns))
            case "signal":
                let signals: [String: Int32] = ["TERM": 15, "KILL": 9, "INT": 2, "HUP": 1]
                guard rest.count == 1, let number = signals[rest[0]] else { throw fail("signal TERM|KILL|INT|HUP") }
                scenario.steps.append(.signal(name: rest[0], number: number))
            case "measure":
                guard rest.count == 2, rest[0] == "trip-delay", let n = Int(rest[1]), n > 0 else {
                    throw fail("measure trip-delay COUNT")
                }
                scenario.steps.append(.measureTripDelay(count: n))
            default:
                throw fail("unknown step '\(verb)'")
            }
            if let stepWorld {
                guard scenario.steps.count == before + 1, let step = scenario.steps.popLast() else {
                    throw fail("\(stepWorld): must prefix a step")
                }
                scenario.steps.append(.only(world: stepWorld, step))
            }
        }
        return scenario
    }

    static func duration(_ text: String) -> UInt64? {
        if text.hasSuffix("ms"), let v = Double(text.dropLast(2)), v >= 0 { return UInt64(v * 1e6) }
        if text.hasSuffix("s"), let v = Double(text.dropLast(1)), v >= 0 { return UInt64(v * 1e9) }
        return nil
    }

    static func worldChange(_ words: [String]) -> WorldChange? {
        guard words.count == 2 else { return nil }
        let (what, how) = (words[0], words[1])
        switch (what, how) {
        case ("depth", _): return Double(how).flatMap { $0.isFinite ? .depth($0) : nil }
        case ("estop", "open"): return .estopOpen(true)
        case ("estop", "closed"): return .estopOpen(false)
        case ("cartridge", "removed"): return .cartridgeSeated(false)
        case ("cartridge", "seated"): return .cartridgeSeated(true)
        case ("driver-fault", "on"): return .driverFault(true)
        case ("driver-fault", "off"): return .driverFault(false)
        case ("trigger", "press"): return .triggerPressed(true)
        case ("trigger", "release"): return .triggerPressed(false)
        case ("magnet", "missing"): return .magnetMissing(true)
        case ("magnet", "ok"): return .magnetMissing(false)
        case ("sensor", "stuck"): return .sensorStuck(true)
        case ("sensor", "error"): return .sensorError(true)
        case ("sensor", "ok"): return .sensorStuck(false)
        case ("tach", "stall"): return .tachStalled(true)
        case ("tach", "ok"): return .tachStalled(false)
        default: return nil
        }
    }
}
