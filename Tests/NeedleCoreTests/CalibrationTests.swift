import Testing
@testable import NeedleCore

@Suite("Calibration")
struct CalibrationTests {
    func uncalibrated() -> CoreHarness {
        var h = CoreHarness(config: .uncalibrated())
        h.dither = false
        return h
    }

    @Test("an uncalibrated pen refuses to arm as not_calibrated and reports no depth")
    func refusesToArm() {
        var h = uncalibrated()
        h.settle(at: 0.5)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.5)))) == .notCalibrated)
        #expect(h.refusalCode(h.command(.armRequest(PlanRequest(area: "forehead"), clinician: true))) == .notCalibrated)
        let status = h.supervisor.status()
        #expect(!status.calibrated && status.calibration == nil && status.depthMM == nil)
        #expect(h.supervisor.faults.isEmpty)
    }

    @Test("zero then span computes the scale; setCalibration puts it in use and the pen arms")
    func zeroAndSpan() throws {
        var h = uncalibrated()
        // Zero at 400: the travel (-0.2…3.2 mm) lies at raw 200…3600, off the wrap and glitches.
        h.tick(.reading(rawAngle: 400, magnetGood: true))
        h.tick(.reading(rawAngle: 400, magnetGood: true))
        h.tick(.reading(rawAngle: 400, magnetGood: true))
        _ = try h.command(.calibrateZero).get()
        #expect(h.supervisor.status().pendingZeroCounts == 400)
        for _ in 0..<3 { h.tick(.reading(rawAngle: 2400, magnetGood: true)) }
        _ = try h.command(.calibrateSpan(depthMM: 2.0)).get()
        let candidate = try #require(h.supervisor.status().calibrationCandidate)
        #expect(candidate == DepthCalibration(zeroCounts: 400, mmPerCount: 0.001))
        #expect(!h.supervisor.status().calibrated)
        _ = try h.command(.setCalibration(candidate)).get()
        #expect(h.supervisor.status().calibrated)
        for _ in 0..<5 { h.tick(.reading(rawAngle: 900, magnetGood: true)) }
        #expect(abs((h.supervisor.status().depthMM ?? 0) - 0.5) < 1e-9)
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
    }

    @Test("a span under 200 counts from zero is refused as span_too_small; 200 counts up is taken")
    func spanTooSmall() throws {
        var h = uncalibrated()
        for _ in 0..<3 { h.tick(.reading(rawAngle: 500, magnetGood: true)) }
        _ = try h.command(.calibrateZero).get()
        for raw: UInt16 in [699, 301] {
            for _ in 0..<3 { h.tick(.reading(rawAngle: raw, magnetGood: true)) }
            #expect(h.refusalCode(h.command(.calibrateSpan(depthMM: 0.2))) == .spanTooSmall, "raw \(raw)")
        }
        for _ in 0..<3 { h.tick(.reading(rawAngle: 700, magnetGood: true)) }
        #expect(h.refusalCode(h.command(.calibrateSpan(depthMM: 0.2))) == nil)
        #expect(h.supervisor.status().calibrationCandidate?.mmPerCount == 0.001)
    }

    @Test("an invalid sensor (read error, bad magnet) is refused as sensor_invalid")
    func sensorInvalid() {
        var h = uncalibrated()
        for _ in 0..<3 { h.tick(.reading(rawAngle: 1000, magnetGood: false)) }
        #expect(h.refusalCode(h.command(.calibrateZero)) == .sensorInvalid)
        for _ in 0..<3 { h.tick(.reading(rawAngle: 1000, magnetGood: true)) }
        h.tick(.readError)
        #expect(h.refusalCode(h.command(.calibrateZero)) == .sensorInvalid)
        #expect(h.refusalCode(h.command(.calibrateSpan(depthMM: 1))) == .sensorInvalid)
    }

    @Test("a calibration point needs 3 good reads in a row: 2 after a read error are refused, whatever came before it")
    func needsThreeGoodReads() {
        var h = uncalibrated()
        for _ in 0..<2 { h.tick(.reading(rawAngle: 1000, magnetGood: true)) }
        h.tick(.readError)
        for _ in 0..<2 { h.tick(.reading(rawAngle: 1000, magnetGood: true)) }
        #expect(h.refusalCode(h.command(.calibrateZero)) == .sensorInvalid)
        h.tick(.reading(rawAngle: 1000, magnetGood: true))
        #expect(h.refusalCode(h.command(.calibrateZero)) == nil)
        #expect(h.supervisor.status().pendingZeroCounts == 1000)
    }

    @Test("calibrating while the motor runs is refused as busy; span without zero is invalid")
    func motorRunning() throws {
        var h = CoreHarness()
        #expect(h.refusalCode(h.command(.calibrateSpan(depthMM: 1))) == .sensorInvalid)
        try h.run(target: 0.5)
        #expect(h.refusalCode(h.command(.calibrateZero)) == .busy)
        #expect(h.refusalCode(h.command(.setCalibration(CoreHarness.calibration))) == .busy)
        _ = h.command(.disarm)
        h.settle(at: 0.5)
        #expect(h.refusalCode(h.command(.calibrateSpan(depthMM: 1))) == .invalidRequest)
        #expect(h.refusalCode(h.command(.setCalibration(DepthCalibration(zeroCounts: .nan, mmPerCount: 0.001)))) == .calibrationInvalid)
        #expect(h.refusalCode(h.command(.setCalibration(DepthCalibration(zeroCounts: 10, mmPerCount: 0.5)))) == .calibrationInvalid)
    }
}
