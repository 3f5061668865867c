#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeedleCore
import NeedleSim
import Testing

/// Randomized invariants over virtual time, on the whole loop (issue 9 §4): the real
/// `ControlLoop` drives the simulated pen (motor and cam, collar, AS5600 registers, tach,
/// e-stop, driver fault, cartridge EEPROM, heartbeat monostable), one `tick` call per tick on
/// a virtual clock — no threads, no sleeping — through random cases (`LoopCase.generate`),
/// and `LoopOracle` checks the pen's outputs as the simulator holds them after every tick and
/// every command (its doc lists the invariants).
///
/// Budget: `NEEDLE_LOOP_INVARIANT_TICKS` ticks on a calibrated pen (default 40 000, for CI)
/// and a tenth of it on an uncalibrated one; the full run is
/// `NEEDLE_LOOP_INVARIANT_TICKS=1000000 swift test --filter ControlLoopInvariantTests`.
/// `NEEDLE_LOOP_INVARIANT_SEED` sets the master seed, `NEEDLE_LOOP_INVARIANT_CASE` replays one
/// case. Each kind of failure prints its seeds, its first failing tick and a shrunk case.
@Suite("Randomized ControlLoop invariants on the simulated pen")
struct ControlLoopInvariantTests {
    static let ticksPerCase = 4_000

    static func environment(_ name: String) -> UInt64? {
        guard let value = getenv(name) else { return nil }
        return UInt64(String(cString: value))
    }

    @Test("calibrated pen: MOTOR_EN, same-tick trip, clear, heartbeat and monostable invariants after every tick")
    func calibratedInvariants() {
        Self.report(Self.runBudget(calibrated: true))
    }

    @Test("uncalibrated pen: MOTOR_EN never goes high, and the loop's other invariants hold")
    func uncalibratedNeverTurns() {
        Self.report(Self.runBudget(calibrated: false, budgetDivisor: 10))
    }

    static func report(_ reports: [String]) {
        for report in reports { Issue.record(Comment(rawValue: report)) }
    }

    @Test("the checker passes a healthy session and reports forged violations of (a)–(d)")
    func checkerCatchesViolations() {
        // A healthy session: self-test, arm at the collar, start, run.
        var healthy = LoopCase(
            seed: 7, calibrated: true, mode: .home, noiseCounts: 2, initialDepthMM: 0.5, ticks: 700, events: [
                TimedEvent(tick: 0, event: .command(.selfTest(includeMotor: true))),
                TimedEvent(tick: 300, event: .command(.armAtCollar(speed: 5, durationS: nil))),
                TimedEvent(tick: 301, event: .command(.start)),
            ])
        let world = LoopInvariantWorld(healthy)
        #expect(world.run(healthy).isEmpty)
        #expect(world.spinTicks > 0, "the self-test spun")
        #expect(world.enabledTicks > 300, "the session ran (\(world.enabledTicks) ticks with MOTOR_EN high)")
        #expect(world.loop.status().state == .running)

        // (b): the running loop's tick, with the sample it read forged to 1.00 mm in home mode.
        let forged = world.step(tick: 700, events: [], forge: { o in
            o.sample = .reading(rawAngle: 512 + 1000, magnetGood: false)
        })
        #expect(forged.contains { $0.hasPrefix("(b)") }, "an enable high on a 1.00 mm sample was not reported: \(forged)")
        // (d): the running loop's tick, forged to have failed its PWM write (H-PRC-1).
        let unknownDrive = world.step(tick: 701, events: [], forge: { $0.writeFailed = true })
        #expect(unknownDrive.contains { $0.hasPrefix("(d) MOTOR_EN high") }, "an enable high with a failed PWM write: \(unknownDrive)")
        // (a): MOTOR_EN forged high while idle.
        healthy.events = []
        let idle = LoopInvariantWorld(healthy)
        let a = idle.step(tick: 0, events: [], forge: { $0.enable = true })
        #expect(a.contains { $0.hasPrefix("(a)") }, "an enable high while idle was not reported: \(a)")
        // (c): a fault dropped by a tick.
        let c = idle.step(tick: 1, events: [], forge: { $0.faultsBeforeTick.insert(.estop) })
        #expect(c.contains { $0.hasPrefix("(c)") }, "a fault dropped by a tick was not reported: \(c)")
        // (c): a clear accepted while the e-stop is still open.
        let clearWithCause = idle.oracle.command(
            .clear, accepted: true, before: FaultSet(.estop), after: [], mode: .home,
            truth: InterlockTruth(estop: true, driverFault: false, cartridgeRemoved: false))
        #expect(clearWithCause?.hasPrefix("(c)") == true)
        // (d): a heartbeat that stops toggling without a runaway, and one that toggles with it.
        let still = idle.step(tick: 2, events: [], forge: { $0.heartbeat = !$0.heartbeat })
        #expect(still.contains { $0.hasPrefix("(d)") }, "a heartbeat that did not toggle was not reported: \(still)")
        var oracle = idle.oracle
        var runaway = TickObservation(
            nowNs: 10_000_000_000, dtNs: 1_000_000, sample: nil, lastStrokeNs: nil, enable: false, pwm: .off,
            heartbeat: false, powerCut: false, faultLED: true, state: .fault, mode: .home, faults: FaultSet(.runaway),
            faultsBeforeTick: [])
        #expect(oracle.observe(runaway) == nil)
        runaway.nowNs += 1_000_000
        runaway.heartbeat = true
        #expect(oracle.observe(runaway)?.hasPrefix("(d)") == true, "a heartbeat toggling with runaway latched")
        // (d): MOTOR_EN held high by its own failing writes is excused only until the
        // monostable's 20 ms (and a tick) have passed with motor power still on.
        var stuckOracle = idle.oracle
        var stuck = TickObservation(
            nowNs: 20_000_000_000, dtNs: 1_000_000, sample: nil, lastStrokeNs: nil, enable: true, pwm: .off,
            heartbeat: false, powerCut: false, faultLED: true, state: .fault, mode: .home, faults: FaultSet(.driverFault),
            faultsBeforeTick: FaultSet(.driverFault), failedLines: [.motorEnable])
        var stuckReports: [Int: String] = [:]
        for tick in 0..<25 {
            stuck.nowNs += 1_000_000
            if let report = stuckOracle.observe(stuck) { stuckReports[tick] = report }
        }
        #expect(stuckReports.keys.min() == 22, "first report at the 22nd ms held high: \(stuckReports)")
        #expect(stuckReports.values.allSatisfy { $0.hasPrefix("(d) MOTOR_EN held high by failing writes") })
    }

    /// What a failure is, without its numbers: one report per kind.
    static func kind(_ failure: String) -> String { String(failure.filter { !$0.isNumber }) }

    /// Runs the budget in cases of `ticksPerCase`, checking every tick of every case (a case
    /// goes on after a failure); returns one shrunk report per kind of failure.
    static func runBudget(calibrated: Bool, budgetDivisor: UInt64 = 1) -> [String] {
        let budget = max(1, (environment("NEEDLE_LOOP_INVARIANT_TICKS") ?? 40_000) / budgetDivisor)
        let master = environment("NEEDLE_LOOP_INVARIANT_SEED") ?? 0x6C6F_6F70_696E_7621
        let cases = Int((budget + UInt64(ticksPerCase) - 1) / UInt64(ticksPerCase))
        // The uncalibrated pen gets cases of its own (not the calibrated run's first tenth).
        var rng = SplitMix64(seed: calibrated ? master : ~master)
        let only = environment("NEEDLE_LOOP_INVARIANT_CASE")
        var kinds = Set<String>()
        var reports: [String] = []
        var failedTicks = 0
        var checked = 0
        var enabled = 0
        var calibrations = 0
        var failedLineTicks = 0
        var stuckEnableTicks = 0
        for index in 0..<(only == nil ? cases : 1) {
            let seed = only ?? rng.next()
            let testCase = LoopCase.generate(seed: seed, ticks: ticksPerCase, calibrated: calibrated)
            let world = LoopInvariantWorld(testCase)
            let failures = world.run(testCase)
            checked += testCase.ticks
            enabled += world.enabledTicks
            calibrations += world.calibrations
            failedLineTicks += world.failedLineTicks
            stuckEnableTicks += world.stuckEnableTicks
            failedTicks += failures.count
            for (tick, failure) in failures where kinds.insert(kind(failure)).inserted {
                let shrunk = shrink(testCase, kind: kind(failure))
                let shrunkFailure = LoopInvariantWorld.failures(shrunk)
                    .first { kind($0.message) == kind(failure) }.map { "tick \($0.tick): \($0.message)" } ?? "(did not shrink)"
                reports.append("""
                    invariant broken: master seed \(master), case \(index) (seed \(seed)), \(testCase.mode.rawValue) \
                    mode, calibrated \(calibrated), noise \(testCase.noiseCounts), collar at \(testCase.initialDepthMM) mm
                    first failure: tick \(tick): \(failure)
                    shrunk to \(shrunk.ticks) ticks and \(shrunk.events.count) events: \(shrunkFailure)
                    \(shrunk.events.map { "  \($0)" }.joined(separator: "\n"))
                    replay: NEEDLE_LOOP_INVARIANT_CASE=\(seed) swift test --filter ControlLoopInvariantTests
                    """)
            }
        }
        print("ControlLoop invariants, calibrated \(calibrated): \(checked) ticks checked in \(checked / ticksPerCase) cases, "
            + "\(enabled) with MOTOR_EN high, \(calibrations) calibrations put in use, \(failedLineTicks) with a failed GPIO write "
            + "(\(stuckEnableTicks) with MOTOR_EN held high by one); \(failedTicks) ticks broke an invariant, "
            + "\(reports.count) kinds of failure")
        for report in reports { print(report) }
        return reports
    }

    /// Greedy shrinking within `maxRuns` replays: cut after the first tick that fails with
    /// `wanted`, then drop chunks of events, then remove spans of ticks, while it still fails
    /// that way.
    static func shrink(_ original: LoopCase, kind wanted: String, maxRuns: Int = 300) -> LoopCase {
        var runs = 0
        func firstFailure(_ candidate: LoopCase) -> Int? {
            runs += 1
            return LoopInvariantWorld.failures(candidate).first { kind($0.message) == wanted }?.tick
        }
        guard let first = firstFailure(original) else { return original }
        var best = original.truncated(after: first)
        func attempt(_ candidate: LoopCase) -> Bool {
            guard runs < maxRuns, candidate.ticks > 0, let tick = firstFailure(candidate) else { return false }
            best = candidate.truncated(after: tick)
            return true
        }
        var chunk = max(1, best.events.count / 2)
        while chunk >= 1, runs < maxRuns {
            var index = 0
            while index < best.events.count, runs < maxRuns {
                var candidate = best
                candidate.events.removeSubrange(index..<min(best.events.count, index + chunk))
                if !attempt(candidate) { index += chunk }
            }
            if chunk == 1 { break }
            chunk /= 2
        }
        var span = max(1, best.ticks / 2)
        while span >= 1, runs < maxRuns {
            var start = 0
            while start + span <= best.ticks, runs < maxRuns {
                if !attempt(best.removing(ticks: start..<(start + span))) { start += span }
            }
            if span == 1 { break }
            span /= 2
        }
        return best
    }
}
