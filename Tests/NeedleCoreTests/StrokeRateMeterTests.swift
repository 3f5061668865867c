import Testing
@testable import NeedleCore

/// The stroke-rate meter on its own (`StrokeRateMeter`): what `status` shows as the stroke
/// rate, what the speed controller closes its loop on, and what the overspeed half of rule 6
/// (`runaway` above 180 Hz) judges. Its edges were found untested by mutation testing
/// (issue 9 §4).
@Suite("Stroke-rate meter")
struct StrokeRateMeterTests {
    @Test("a fresh meter reads 0 Hz; one batch gives no rate yet; the second gives the period between them, whole")
    func firstRate() {
        var meter = StrokeRateMeter()
        #expect(meter.rateHz(nowNs: 1_000_000_000) == 0)
        meter.update(strokes: 1, lastStrokeNs: 1_000_000_000)
        #expect(meter.rateHz(nowNs: 1_000_000_000) == 0, "one stroke is no period")
        meter.update(strokes: 1, lastStrokeNs: 1_010_000_000)
        // Not smoothed from anything before power-up: the first period is the rate.
        #expect(meter.rateHz(nowNs: 1_010_000_000) == 100)
        #expect(meter.totalStrokes == 2)
    }

    /// The running mean gives the newest period a weight of 0.3. That weight is how fast a
    /// runaway is seen: from 100 Hz, a motor racing at 250 Hz reads 145, 176.5, then 198.55 Hz,
    /// above the 180 Hz overspeed limit at its third stroke (12 ms).
    @Test("the rate moves 30 % of the way to each new period: from 100 Hz, 250 Hz strokes read over 180 Hz at the third")
    func smoothing() {
        var meter = StrokeRateMeter()
        var now: UInt64 = 1_000_000_000
        for _ in 0..<10 {
            meter.update(strokes: 1, lastStrokeNs: now)
            now += 10_000_000
        }
        now -= 10_000_000
        #expect(abs(meter.rateHz(nowNs: now) - 100) < 1e-9)
        let config = SafetyConfig(calibration: CoreHarness.calibration)
        var readings: [Double] = []
        for _ in 0..<3 {
            now += 4_000_000
            meter.update(strokes: 1, lastStrokeNs: now)
            readings.append(meter.rateHz(nowNs: now))
        }
        #expect(zip(readings, [145, 176.5, 198.55]).allSatisfy { abs($0 - $1) < 1e-9 }, "\(readings)")
        #expect(readings.map { RunawayWatch.overspeed(rateHz: $0, config: config) } == [false, false, true])
    }

    @Test("with no stroke since, the rate is capped by the time since the last one: 50 ms after a stroke at 100 Hz reads 20 Hz")
    func cappedBySilence() {
        var meter = StrokeRateMeter()
        meter.update(strokes: 1, lastStrokeNs: 1_000_000_000)
        meter.update(strokes: 1, lastStrokeNs: 1_010_000_000)
        #expect(meter.rateHz(nowNs: 1_010_000_000 + 5_000_000) == 100, "5 ms: under a period, the smoothed rate")
        #expect(meter.rateHz(nowNs: 1_010_000_000 + 50_000_000) == 20)
    }

    @Test("no stroke for 100 ms reads 0 Hz (stopped), exactly at 100 ms; 1 ns sooner it is still the capped rate")
    func stoppedAfter100ms() {
        var meter = StrokeRateMeter()
        meter.update(strokes: 1, lastStrokeNs: 1_000_000_000)
        meter.update(strokes: 1, lastStrokeNs: 1_010_000_000)
        let justBefore = meter.rateHz(nowNs: 1_010_000_000 + 100_000_000 - 1)
        #expect(abs(justBefore - 1e9 / (100_000_000 - 1)) < 1e-9, "\(justBefore)")
        #expect(meter.rateHz(nowNs: 1_010_000_000 + 100_000_000) == 0)
        #expect(meter.rateHz(nowNs: 1_010_000_000 + 5_000_000_000) == 0)
    }

    @Test("a slow cam reads its rate right after its stroke, however slow: strokes 2 s apart read 0.5 Hz")
    func slowRate() {
        var meter = StrokeRateMeter()
        meter.update(strokes: 1, lastStrokeNs: 1_000_000_000)
        meter.update(strokes: 1, lastStrokeNs: 3_000_000_000)
        #expect(meter.rateHz(nowNs: 3_000_000_000) == 0.5)
        #expect(meter.rateHz(nowNs: 3_050_000_000) == 0.5)
    }
}
