import Testing
@testable import NeedleCore

/// The stroke-rate loop against a first-order motor model (the simulator's own model is
/// exercised end to end in the daemon tests).
@Suite("Speed control")
struct SpeedControlTests {
    /// rate_ss = rated × duty × (1 − 0.4 × load), first order with τ = 30 ms.
    struct Motor {
        var rateHz = 0.0
        var load: Double
        mutating func step(duty: Double, dtS: Double) {
            let target = 250 * duty * (1 - 0.4 * load)
            rateHz += (target - rateHz) * dtS / 0.030
        }
    }

    func settledRate(level: Int, load: Double) -> (Double, [Double]) {
        let config = SafetyConfig(calibration: CoreHarness.calibration)
        var controller = SpeedController()
        var meter = StrokeRateMeter()
        var motor = Motor(load: load)
        var now: UInt64 = 1_000_000_000
        controller.begin(nowNs: now)
        var phase = 0.0
        var history: [Double] = []
        for _ in 0..<3000 {
            now += 1_000_000
            let duty = controller.duty(
                targetHz: Plan.strokeRateHz(level: level), measuredHz: meter.rateHz(nowNs: now), nowNs: now, config: config)
            motor.step(duty: duty, dtS: 0.001)
            phase += motor.rateHz * 0.001
            if phase >= 1 {
                phase -= 1
                meter.update(strokes: 1, lastStrokeNs: now)
            }
            history.append(meter.rateHz(nowNs: now))
        }
        return (history.suffix(500).reduce(0, +) / 500, history)
    }

    @Test("at load 0.5 the stroke rate settles within ±5 % of its level's rate", arguments: [1, 5, 10])
    func holdsUnderLoad(level: Int) {
        let target = Plan.strokeRateHz(level: level)
        let (mean, _) = settledRate(level: level, load: 0.5)
        #expect(abs(mean - target) / target < 0.05, "level \(level): \(mean) Hz for \(target) Hz")
    }

    @Test("soft start: the set point ramps from 50 Hz over the soft-start time")
    func softStart() {
        let config = SafetyConfig(calibration: CoreHarness.calibration)
        var controller = SpeedController()
        controller.begin(nowNs: 0)
        #expect(controller.setPointHz(targetHz: 150, nowNs: 0, config: config) == 50)
        #expect(controller.setPointHz(targetHz: 150, nowNs: 150_000_000, config: config) == 100)
        #expect(controller.setPointHz(targetHz: 150, nowNs: 400_000_000, config: config) == 150)
    }

    @Test("the first duty after a start is the feed-forward plus the proportional term: no integral carried in")
    func firstDutyAfterStart() throws {
        var h = CoreHarness()
        h.strokeHz = 0  // nothing measured yet: the error is the whole 50 Hz set point
        try h.run(target: 0.5, speed: 1)
        let config = SafetyConfig(calibration: CoreHarness.calibration)
        let expected = 50 / config.ratedStrokeRateHz + config.speedKp * 50 + config.speedKi * 50 * 0.001
        #expect(abs(h.last.motorDuty - expected) < 1e-9)
    }

    @Test("a controller that cannot reach its rate saturates at a duty of exactly 1, never above")
    func dutySaturatesAtOne() throws {
        var h = CoreHarness()
        h.strokeHz = 20  // a heavily loaded cam: 20 Hz against level 10's 150 Hz, but no stall
        try h.run(target: 0.5, speed: 10)
        var highest = 0.0
        for _ in 0..<1000 { highest = max(highest, h.tick(depth: 0.5).motorDuty) }
        #expect(h.last.motorEnable)
        #expect(highest == 1)
    }

    /// One tick of the controller on its own at 1 ms, `errorHz` below the set point.
    static func step(_ controller: inout SpeedController, targetHz: Double, errorHz: Double, nowNs: UInt64) -> Double {
        let config = SafetyConfig(calibration: CoreHarness.calibration)
        let setPoint = controller.setPointHz(targetHz: targetHz, nowNs: nowNs, config: config)
        return controller.duty(targetHz: targetHz, measuredHz: setPoint - errorHz, nowNs: nowNs, config: config)
    }

    /// The law with the reference motor's tuning (`SafetyConfig`): feed-forward of the set
    /// point over the unloaded motor's 250 Hz at full duty, 0.002 duty per Hz of error, and
    /// 0.05 duty per Hz·s of error integrated. The rate tests above hold for neighbouring
    /// gains too; this pins the tuning they were measured with.
    @Test("duty = set point / 250 Hz + 0.002 × error + 0.05 × ∫error dt, tick by tick")
    func controlLaw() {
        var controller = SpeedController()
        controller.begin(nowNs: 0)
        // Level 1's 50 Hz is the soft start's floor: no ramp. The motor runs 10 Hz slow.
        let first = Self.step(&controller, targetHz: 50, errorHz: 10, nowNs: 1_000_000)
        let second = Self.step(&controller, targetHz: 50, errorHz: 10, nowNs: 2_000_000)
        #expect(abs(first - (50.0 / 250 + 0.002 * 10 + 0.05 * 10 * 0.001)) < 1e-12)
        #expect(abs(second - (50.0 / 250 + 0.002 * 10 + 0.05 * 10 * 0.002)) < 1e-12)
    }

    @Test("a motor running faster than its set point gets less duty tick by tick: the integral goes below zero")
    func integralComesDown() {
        var controller = SpeedController()
        controller.begin(nowNs: 0)
        var duties: [Double] = []
        for tick in 1...100 {
            duties.append(Self.step(&controller, targetHz: 50, errorHz: -10, nowNs: UInt64(tick) * 1_000_000))
        }
        #expect(zip(duties, duties.dropFirst()).allSatisfy { $0 > $1 })
        // 0.2 feed-forward, −0.02 proportional, −0.05 from 100 ms at −10 Hz.
        #expect(abs(duties[99] - 0.13) < 1e-9, "\(duties[99])")
    }

    /// Anti-windup: while the duty is pinned at 1 with the motor still slow (a heavy load),
    /// the integral stops growing where the output saturated, so the duty comes off 1 as soon
    /// as the motor reaches its rate instead of overshooting it for seconds. 3 s at 0.5 Hz
    /// slow, saturated: once at the set point, the duty is 1 − 0.002 × 0.5 (the proportional
    /// share the integral made up for), within one tick's integration.
    @Test("saturated at full duty, the integral does not wind up: at the set point the duty comes straight off 1")
    func noWindupAtFullDuty() {
        var controller = SpeedController()
        controller.begin(nowNs: 0)
        var now: UInt64 = 0
        func run(ms: Int, errorHz: Double) -> Double {
            var duty = 0.0
            for _ in 0..<ms {
                now += 1_000_000
                duty = Self.step(&controller, targetHz: 150, errorHz: errorHz, nowNs: now)
            }
            return duty
        }
        _ = run(ms: 400, errorHz: 0)  // through the 300 ms soft start, on the set point
        // Saturated: the duty sits within one tick's integration of 1 (the integral stops
        // before the sum reaches it).
        #expect(run(ms: 1000, errorHz: 10) >= 0.999)
        #expect(run(ms: 3000, errorHz: 0.5) >= 0.999)
        let atSetPoint = run(ms: 1, errorHz: 0)
        #expect(atSetPoint <= 0.999 + 1e-12 && atSetPoint >= 0.999 - 0.05 * 0.5 * 0.001 - 1e-12, "\(atSetPoint)")
    }

    @Test("saturated at zero duty with the motor fast, the integral does not wind down: at the set point the duty is the feed-forward")
    func noWindupAtZeroDuty() {
        var controller = SpeedController()
        controller.begin(nowNs: 0)
        var duty = 1.0
        // A cam driven 250 Hz faster than level 1 (a runaway's pull, or a coasting load).
        for tick in 1...1000 { duty = Self.step(&controller, targetHz: 50, errorHz: -250, nowNs: UInt64(tick) * 1_000_000) }
        #expect(duty == 0)
        let atSetPoint = Self.step(&controller, targetHz: 50, errorHz: 0, nowNs: 1_001_000_000)
        #expect(abs(atSetPoint - 50.0 / 250) < 1e-12, "\(atSetPoint)")
    }
}
