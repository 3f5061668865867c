import NeedleCore
import NeedleSim

/// An operator's command, sent through `ControlLoop.command` between two ticks.
enum LoopCommand: Equatable, CustomStringConvertible {
    case arm(targetMM: Double, speed: Int, durationS: Double?)
    /// Arms at the collar's true depth (rounded to 0.01 mm), as an operator reading the
    /// display would: most such plans can start.
    case armAtCollar(speed: Int, durationS: Double?)
    case start, stop, disarm, clear
    case selfTest(includeMotor: Bool)
    case mode(Mode, authorized: Bool)
    /// `calibrate zero`: captures the raw angle where the collar is.
    case calibrateZero
    /// `calibrate span DEPTH` as the router runs it: the capture, then (idle or faulted) the
    /// new calibration put in use. `depthMM` is what the operator says the collar is at.
    case calibrateSpan(depthMM: Double)

    var description: String {
        switch self {
        case .arm(let target, let speed, let duration): "arm \(target) mm speed \(speed)\(Self.text(duration))"
        case .armAtCollar(let speed, let duration): "arm at the collar speed \(speed)\(Self.text(duration))"
        case .start: "start"
        case .stop: "stop"
        case .disarm: "disarm"
        case .clear: "clear"
        case .selfTest(let motor): motor ? "selftest" : "selftest without the spin"
        case .mode(let mode, let authorized): "mode \(mode.rawValue)\(authorized ? "" : " (unauthorized)")"
        case .calibrateZero: "calibrate zero"
        case .calibrateSpan(let depth): "calibrate span \(depth) mm"
        }
    }

    private static func text(_ duration: Double?) -> String { duration.map { " for \($0) s" } ?? "" }
}

/// A cartridge pushed into the pen after one was pulled.
enum SeatedCartridge: String, Equatable {
    /// The one that was pulled, used marker and all.
    case same
    /// A new, unused one.
    case fresh
    case used
    /// An EEPROM that was never programmed.
    case blank
    /// No ID EEPROM at all.
    case noEEPROM = "no EEPROM"
}

/// A GPIO output line of the pen whose writes a case can make fail (`LoopEvent.outputFails`).
enum OutputLine: String, CaseIterable {
    case motorEnable = "MOTOR_EN"
    case heartbeat = "HEARTBEAT"
    case statusLED = "STATUS_LED"
    case faultLED = "FAULT_LED"
}

/// Something that happens at one tick of a case.
enum LoopEvent: Equatable, CustomStringConvertible {
    case command(LoopCommand)
    /// The operator turns the collar toward `targetMM` at `speedMMPerS`.
    case collar(targetMM: Double, speedMMPerS: Double)
    case load(Double)
    case inject(SimFault)
    case clear(SimFault)
    case seat(SeatedCartridge)
    /// The next angle sample reads `raw` once.
    case glitch(UInt16)
    /// I2C transfers fail with this probability while the motor turns.
    case disturbance(Double)
    /// A press by hand that bounces `bounces` times on press and release, held for `holdTicks`.
    case trigger(bounces: Int, holdTicks: Int)
    /// This tick comes `ns` after the previous one instead of one period (the loop was away).
    case gap(ns: UInt64)
    /// AIN1's PWM writes fail (true) or work again (false): the loop's write-failure path.
    case pwmFails(Bool)
    /// Writes to one GPIO output line fail (true; the line keeps its level) or work again.
    case outputFails(OutputLine, Bool)

    var description: String {
        switch self {
        case .command(let command): "command \(command)"
        case .collar(let target, let speed): "collar → \(target) mm at \(speed) mm/s"
        case .load(let load): "load \(load)"
        case .inject(let fault): "inject \(fault.rawValue)"
        case .clear(let fault): "clear sim fault \(fault.rawValue)"
        case .seat(let kind): "seat a cartridge (\(kind.rawValue))"
        case .glitch(let raw): "glitch raw \(raw)"
        case .disturbance(let p): "bus disturbance \(p)"
        case .trigger(let bounces, let hold): "trigger press ×\(bounces + 1) edges, held \(hold) ticks"
        case .gap(let ns): "loop gap \(Double(ns) / 1e6) ms"
        case .pwmFails(let fails): fails ? "PWM writes fail" : "PWM writes work again"
        case .outputFails(let line, let fails): "\(line.rawValue) writes \(fails ? "fail" : "work again")"
        }
    }
}

struct TimedEvent: Equatable, CustomStringConvertible {
    var tick: Int
    var event: LoopEvent
    var description: String { "tick \(tick): \(event)" }
}

/// One random case: the pen's starting world and what happens to it, tick by tick.
struct LoopCase: Equatable {
    var seed: UInt64
    var calibrated: Bool
    var mode: Mode
    var noiseCounts: Int
    var initialDepthMM: Double
    var ticks: Int
    /// In tick order (events of one tick in list order).
    var events: [TimedEvent]

    /// The case's events before `tick` only, ending just after it.
    func truncated(after tick: Int) -> LoopCase {
        var copy = self
        copy.ticks = min(ticks, tick + 1)
        copy.events = events.filter { $0.tick <= tick }
        return copy
    }

    /// The case without ticks `range`: their events are dropped, later ones move earlier.
    func removing(ticks range: Range<Int>) -> LoopCase {
        var copy = self
        copy.ticks = ticks - range.count
        copy.events = events.compactMap { timed in
            if range.contains(timed.tick) { return nil }
            var moved = timed
            if timed.tick >= range.upperBound { moved.tick -= range.count }
            return moved
        }
        return copy
    }

    /// A random case: an operator who self-tests, arms at the collar and starts now and then,
    /// random commands, recalibrations (zero, then a span sometimes misread by 3 %), collar
    /// motion towards targets and limits, failing writes to the GPIO output lines, the simulator's sensor,
    /// interlock, cartridge and motor faults, failing PWM writes, trigger presses with bounce and
    /// loop gaps, at
    /// rates that reach every state within a case.
    static func generate(seed: UInt64, ticks: Int, calibrated: Bool) -> LoopCase {
        var rng = SplitMix64(seed: seed)
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        func real(_ range: ClosedRange<Double>) -> Double { (Double.random(in: range, using: &rng) * 1000).rounded() / 1000 }
        let mode: Mode = chance(0.5) ? .home : .clinical
        let window = mode.window
        var events: [(order: Int, timed: TimedEvent)] = []
        func at(_ tick: Int, _ event: LoopEvent) {
            if tick < ticks { events.append((events.count, TimedEvent(tick: tick, event: event))) }
        }
        func duration() -> Double? { chance(0.3) ? real(0.05...2) : nil }
        // At least one count: a collar that reads perfectly still while the needles run is a
        // frozen sensor (rule 3's stuck check), which real vibration never shows.
        let noise = int(1...4)
        let initial = real(window.minTargetMM...window.maxTargetMM)
        if mode == .clinical { at(0, .command(.mode(.clinical, authorized: true))) }
        // Faults with how often they come (per tick) and how long they last (ticks).
        let faults: [(SimFault, Double, ClosedRange<Int>)] = [
            (.sensorError, 0.0001, 1...60), (.magnetMissing, 0.0001, 1...60), (.sensorStuck, 0.0001, 20...300),
            (.driverFault, 0.0001, 5...400), (.stall, 0.0001, 20...400), (.estop, 0.0001, 5...400),
            (.motorRunaway, 0.00005, 20...800), (.pwmStuck, 0.00005, 20...800),
        ]
        for tick in 0..<ticks {
            if chance(0.002) {
                // An operator's session: turn the collar into the window, seat a new cartridge
                // (one cartridge, one session), clear, self-test, arm where the collar is,
                // start (by command or by the trigger).
                at(tick, .collar(targetMM: real(window.minTargetMM...window.maxTargetMM), speedMMPerS: [20, 45][int(0...1)]))
                if chance(0.8) {
                    at(tick + 10, .inject(.cartridgeRemoved))
                    at(tick + 40, .seat(.fresh))
                }
                at(tick + 150, .command(.clear))
                at(tick + 151, .command(.selfTest(includeMotor: true)))
                let arm = tick + 151 + int(200...350)
                at(arm, .command(.armAtCollar(speed: int(1...10), durationS: duration())))
                if chance(0.6) {
                    at(arm + int(1...30), .command(.start))
                } else {
                    at(arm + int(1...30), .trigger(bounces: int(0...3), holdTicks: int(25...200)))
                }
            }
            if chance(0.0003) {
                // A clinician recalibrates: the collar to 0 mm, zero; to a known depth, span
                // (sometimes misread by 3 %, which the pen cannot know). An uncalibrated pen
                // only captures zeros here: it never gets a scale, so it never turns.
                at(tick, .collar(targetMM: 0, speedMMPerS: 20))
                at(tick + int(80...200), .command(.calibrateZero))
                if calibrated {
                    let span = real(0.5...3.0)
                    at(tick + 220, .collar(targetMM: span, speedMMPerS: 20))
                    let said = chance(0.8) ? span : span * (chance(0.5) ? 0.97 : 1.03)
                    at(tick + 420 + int(0...100), .command(.calibrateSpan(depthMM: (said * 1000).rounded() / 1000)))
                }
            }
            if chance(0.001) {
                let target: Double
                switch int(0...9) {
                case 0...3: target = real(window.minTargetMM...window.maxTargetMM)
                case 4...6: target = window.limitMM + real(-0.08...0.08)
                case 7: target = 1.00 + real(-0.06...0.06)
                default: target = real(-0.1...3.25)
                }
                // Rarely faster than a hand can turn it: the readings jump.
                let speed = chance(0.02) ? 400 : [0.5, 5, 20, 45][int(0...3)]
                at(tick, .collar(targetMM: target, speedMMPerS: speed))
            }
            for (fault, rate, lasting) in faults where chance(rate) {
                at(tick, .inject(fault))
                at(tick + int(lasting), .clear(fault))
            }
            if chance(0.0001) {
                at(tick, .inject(.cartridgeRemoved))
                let kinds: [SeatedCartridge] = [.same, .same, .same, .fresh, .fresh, .used, .blank, .noEEPROM]
                at(tick + int(5...400), .seat(kinds[int(0...kinds.count - 1)]))
            }
            if chance(0.0005) { at(tick, .glitch([3839, 0, UInt16(int(0...4095))][int(0...2)])) }
            if chance(0.0003) {
                at(tick, .disturbance(real(0.001...0.05)))
                at(tick + int(50...1000), .disturbance(0))
            }
            if chance(0.0005) { at(tick, .load(real(0...1))) }
            if chance(0.0003) {
                at(tick, .pwmFails(true))
                at(tick + int(1...60), .pwmFails(false))
            }
            if chance(0.0003) {
                let line = OutputLine.allCases[int(0...OutputLine.allCases.count - 1)]
                at(tick, .outputFails(line, true))
                at(tick + int(1...60), .outputFails(line, false))
            }
            if chance(0.0007) {
                at(tick, .trigger(bounces: int(0...3), holdTicks: chance(0.8) ? int(25...300) : int(1...24)))
            }
            if chance(0.003) { at(tick, .gap(ns: UInt64(int(2_000_000...12_000_000)))) }
            if chance(0.0005) { at(tick, .gap(ns: UInt64(int(20_000_000...200_000_000)))) }
            if chance(0.006) { at(tick, .command(randomCommand(chance: chance, int: int, real: real, duration: duration))) }
        }
        let ordered = events.sorted { ($0.timed.tick, $0.order) < ($1.timed.tick, $1.order) }.map(\.timed)
        return LoopCase(
            seed: seed, calibrated: calibrated, mode: mode, noiseCounts: noise, initialDepthMM: initial, ticks: ticks,
            events: ordered)
    }

    private static func randomCommand(
        chance: (Double) -> Bool, int: (ClosedRange<Int>) -> Int, real: (ClosedRange<Double>) -> Double,
        duration: () -> Double?
    ) -> LoopCommand {
        switch int(0...16) {
        case 0...2: .arm(targetMM: (real(-0.1...3.2) * 100).rounded() / 100, speed: int(0...11), durationS: duration())
        case 3...5: .armAtCollar(speed: int(1...10), durationS: duration())
        case 6...8: .start
        case 9...10: .stop
        case 11: .disarm
        case 12...14: .clear
        case 15: .selfTest(includeMotor: chance(0.7))
        default: .mode(chance(0.5) ? .home : .clinical, authorized: chance(0.7))
        }
    }
}
