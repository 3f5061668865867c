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
}
