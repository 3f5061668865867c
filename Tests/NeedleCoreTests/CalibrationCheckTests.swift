import Testing
@testable import NeedleCore

/// DESIGN.md §3 rule 10: a calibration maps the collar's whole travel upwards, off the
/// sensor's 12-bit wrap and its glitch values, with a scale bounded on both sides; raw angles
/// are unwrapped relative to zero; the glitch values are never a depth.
@Suite("Calibration check")
struct CalibrationCheckTests {
    func uncalibrated() -> CoreHarness {
        var h = CoreHarness(config: .uncalibrated())
        h.dither = false
        return h
    }

    /// Captures zero at `zero` and a span at `span` said to be `depthMM` deep; returns the span's result.
    func zeroThenSpan(_ h: inout CoreHarness, zero: UInt16, span: UInt16, depthMM: Double) throws -> Result<CommandOutcome, Refusal> {
        for _ in 0..<3 { h.tick(.reading(rawAngle: zero, magnetGood: true)) }
        _ = try h.command(.calibrateZero).get()
        for _ in 0..<3 { h.tick(.reading(rawAngle: span, magnetGood: true)) }
        return h.command(.calibrateSpan(depthMM: depthMM))
    }

    // MARK: - Spans

    @Test("a span across the 12-bit wrap is refused calibration_invalid, not read as a small negative scale",
          arguments: [(zero: UInt16(3900), depthMM: 2.0), (zero: 3000, depthMM: 3.0), (zero: 4000, depthMM: 0.5)])
    func spanAcrossWrapRefused(zero: UInt16, depthMM: Double) throws {
        var h = uncalibrated()
        // The collar really turns 1000 counts per mm, upwards, past raw 4095 → 0.
        let span = UInt16((Int(zero) + Int(depthMM * 1000)) % 4096)
        let result = try zeroThenSpan(&h, zero: zero, span: span, depthMM: depthMM)
        #expect(h.refusalCode(result) == .calibrationInvalid)
        if case .failure(let refusal) = result { #expect(refusal.message.contains("wrap"), "\(refusal.message)") }
        #expect(h.supervisor.status().calibrationCandidate == nil)
    }

    @Test("a span whose travel would run past raw 3839 is refused, though the two points themselves do not wrap")
    func travelPastGlitchRefused() throws {
        var h = uncalibrated()
        // 0.001 mm/count from zero 1000: the travel reaches raw 4200.
        let result = try zeroThenSpan(&h, zero: 1000, span: 3000, depthMM: 2.0)
        #expect(h.refusalCode(result) == .calibrationInvalid)
        if case .failure(let refusal) = result {
            #expect(refusal.message.contains("zero reads between 201 and 638"), "\(refusal.message)")
        }
        #expect(h.supervisor.status().calibrationCandidate == nil)
    }

    @Test("a span of the wrong sign (the raw angle falls with depth) is refused calibration_invalid")
    func wrongSignRefused() throws {
        var h = uncalibrated()
        let result = try zeroThenSpan(&h, zero: 2500, span: 1500, depthMM: 1.0)
        #expect(h.refusalCode(result) == .calibrationInvalid)
        #expect(h.supervisor.status().calibrationCandidate == nil)
        #expect(CalibrationMath.problem(with: DepthCalibration(zeroCounts: 2500, mmPerCount: -0.001))
            == .wrongDirection(mmPerCount: -0.001))
        #expect(h.refusalCode(h.command(.setCalibration(DepthCalibration(zeroCounts: 2500, mmPerCount: -0.001))))
            == .calibrationInvalid)
    }

    @Test("a span giving a scale too coarse (0.015 mm/count) or too fine (0.000857) is refused")
    func spanScaleBounds() throws {
        var coarse = uncalibrated()
        #expect(coarse.refusalCode(try zeroThenSpan(&coarse, zero: 500, span: 700, depthMM: 3.0)) == .calibrationInvalid)
        var fine = uncalibrated()
        #expect(fine.refusalCode(try zeroThenSpan(&fine, zero: 300, span: 3800, depthMM: 3.0)) == .calibrationInvalid)
    }

    @Test("a zero or span captured at a glitch value (3839, 0) is refused calibration_invalid")
    func glitchCaptureRefused() throws {
        #expect(CalibrationMath.calibration(zeroRaw: 3839, spanRaw: 500, depthMM: 1).failureCode == .calibrationInvalid)
        #expect(CalibrationMath.calibration(zeroRaw: 300, spanRaw: 3839, depthMM: 3.2).failureCode == .calibrationInvalid)
        #expect(CalibrationMath.calibration(zeroRaw: 0, spanRaw: 1000, depthMM: 1).failureCode == .calibrationInvalid)
    }

    @Test("a point is captured only from a still collar: reads moving 10 counts a tick are refused sensor_invalid")
    func captureNeedsStillCollar() {
        var h = uncalibrated()
        for raw: UInt16 in [1000, 1010, 1020, 1030] { h.tick(.reading(rawAngle: raw, magnetGood: true)) }
        #expect(h.refusalCode(h.command(.calibrateZero)) == .sensorInvalid)
        // Noise of a few counts is a still collar.
        for raw: UInt16 in [1030, 1032, 1028, 1031] { h.tick(.reading(rawAngle: raw, magnetGood: true)) }
        #expect(h.refusalCode(h.command(.calibrateZero)) == nil)
        #expect(h.supervisor.status().pendingZeroCounts == 1030, "the mean of 1030, 1030, 1032, 1028, 1031")
    }

    @Test("reads spread over 4 counts are a still collar, over 5 they are not",
          arguments: [(UInt16(4), true), (5, false)])
    func captureSpreadEdge(spread: UInt16, accepted: Bool) {
        var h = uncalibrated()
        for _ in 0..<3 {
            h.tick(.reading(rawAngle: 1000, magnetGood: true))
            h.tick(.reading(rawAngle: 1000 + spread, magnetGood: true))
        }
        #expect((h.refusalCode(h.command(.calibrateZero)) == nil) == accepted)
    }

    @Test("a point is the mean of the still collar's reads, not the last one: noise of ±2 counts averages out")
    func captureTakesTheMean() {
        var h = uncalibrated()
        for _ in 0..<5 {
            h.tick(.reading(rawAngle: 998, magnetGood: true))
            h.tick(.reading(rawAngle: 1002, magnetGood: true))
        }
        #expect(h.refusalCode(h.command(.calibrateZero)) == nil)
        #expect(h.supervisor.status().pendingZeroCounts == 1000)
    }

    @Test("a glitch value (3839, 0) as the last read is never captured as a point")
    func captureSkipsGlitches() {
        for glitch in [DepthCalibration.failedTransferRaw, DepthCalibration.intermittentRaw] {
            var h = uncalibrated()
            for _ in 0..<3 { h.tick(.reading(rawAngle: 500, magnetGood: true)) }
            h.tick(.reading(rawAngle: glitch, magnetGood: true))
            #expect(h.refusalCode(h.command(.calibrateZero)) == .sensorInvalid, "raw \(glitch)")
            #expect(h.supervisor.status().pendingZeroCounts == nil)
        }
    }

    // MARK: - Scale bounds

    @Test("the scale's upper bound: 0.01 mm/count is taken, anything coarser is not")
    func upperBound() {
        #expect(CalibrationMath.maximumMMPerCount == 0.01)
        #expect(CalibrationMath.problem(with: DepthCalibration(zeroCounts: 1000, mmPerCount: 0.01)) == nil)
        let over = 0.01.nextUp
        #expect(CalibrationMath.problem(with: DepthCalibration(zeroCounts: 1000, mmPerCount: over))
            == .scaleTooCoarse(mmPerCount: over))
        // The old bound (3.2 mm / 200 counts) let 0.016 through.
        #expect(CalibrationMath.problem(with: DepthCalibration(zeroCounts: 1000, mmPerCount: 0.016))
            == .scaleTooCoarse(mmPerCount: 0.016))
    }

    @Test("the scale's lower bound: just above 3.4 mm / 3839 counts is taken, that or finer is not")
    func lowerBound() {
        let minimum = CalibrationMath.minimumMMPerCount
        #expect(abs(minimum - 3.4 / 3839) < 1e-15)
        let above = minimum * (1 + 1e-6)
        // Zero placed so the travel sits in the middle of raw 0…3839.
        let centred = DepthCalibration(zeroCounts: 3839 / 2 - 1.5 / above, mmPerCount: above)
        #expect(CalibrationMath.problem(with: centred) == nil)
        #expect(CalibrationMath.problem(with: DepthCalibration(zeroCounts: 3839 / 2 - 1.5 / minimum, mmPerCount: minimum))
            == .scaleTooFine(mmPerCount: minimum))
        // The field's factory value: 2.5 mm read as 0.0025 mm.
        #expect(CalibrationMath.problem(with: DepthCalibration(zeroCounts: 512, mmPerCount: 0.000001))
            == .scaleTooFine(mmPerCount: 0.000001))
    }

    @Test("a zero scale is refused as the wrong direction (it does not grow with depth), before any bound")
    func zeroScaleRefused() {
        #expect(CalibrationMath.problem(with: DepthCalibration(zeroCounts: 512, mmPerCount: 0)) == .wrongDirection(mmPerCount: 0))
        #expect(!CalibrationMath.isUsable(DepthCalibration(zeroCounts: 512, mmPerCount: 0)))
        #expect(CalibrationMath.isUsable(CoreHarness.calibration))
    }

    @Test("a span may be taken from 0.1 mm: 0.18 mm over 200 counts is a usable calibration, 0.09 mm is refused as a request")
    func spanDepthFloor() throws {
        let taken = try CalibrationMath.calibration(zeroRaw: 250, spanRaw: 450, depthMM: 0.18).get()
        #expect(abs(taken.mmPerCount - 0.0009) < 1e-12)
        guard case .failure(let refusal) = CalibrationMath.calibration(zeroRaw: 250, spanRaw: 450, depthMM: 0.09) else {
            Issue.record("a span at 0.09 mm was taken")
            return
        }
        #expect(refusal.code == .invalidRequest)
        // Exactly 0.1 mm is a depth it takes; over 200 counts the scale is then too fine.
        guard case .failure(let fine) = CalibrationMath.calibration(zeroRaw: 250, spanRaw: 450, depthMM: 0.1) else {
            Issue.record("a span of 0.0005 mm/count was taken")
            return
        }
        #expect(fine.code == .calibrationInvalid)
    }

    @Test("the travel must lie strictly inside raw 0…3839: zero 201…638 at 0.001 mm/count")
    func travelPlacementEdges() {
        func problem(_ zero: Double) -> CalibrationProblem? {
            CalibrationMath.problem(with: DepthCalibration(zeroCounts: zero, mmPerCount: 0.001))
        }
        #expect(problem(201) == nil)
        #expect(problem(638) == nil)
        #expect(problem(200)?.field == .zeroCounts)
        #expect(problem(639)?.field == .zeroCounts)
    }

    @Test("a supervisor handed an unusable calibration starts uncalibrated and refuses to arm",
          arguments: [DepthCalibration(zeroCounts: 512, mmPerCount: 0.000001),
                      DepthCalibration(zeroCounts: 3700, mmPerCount: 0.001),
                      DepthCalibration(zeroCounts: 512, mmPerCount: -0.001)])
    func supervisorRefusesUnusable(calibration: DepthCalibration) {
        var h = CoreHarness(config: SafetyConfig(calibration: calibration))
        h.settle(at: 0.05)
        #expect(!h.supervisor.status().calibrated)
        #expect(h.refusalCode(h.command(.arm(Plan(targetDepthMM: 0.05)))) == .notCalibrated)
    }

    @Test("the field's factory 0.000001 mm/count: armed at 0.05 mm, the motor does not run with the collar at 2.5 mm")
    func factoryScaleReproduction() {
        var h = CoreHarness(config: SafetyConfig(calibration: DepthCalibration(zeroCounts: 512, mmPerCount: 0.000001)))
        h.settle(at: 0.05)
        _ = h.command(.arm(Plan(targetDepthMM: 0.05)))
        _ = h.command(.start)
        // The collar turns to 2.5 mm in 100 ms (24.5 mm/s), then stays there.
        var ranDeep = false
        for step in 1...120 {
            let collar = min(2.5, 0.05 + 2.45 * Double(step) / 100)
            h.tick(depth: collar)
            if h.last.motorEnable, collar >= 1.0 { ranDeep = true }
        }
        #expect(!ranDeep, "the motor ran with the collar at 1.0–2.5 mm, reading \(h.supervisor.status().depthMM ?? -1) mm")
        #expect(!h.supervisor.status().calibrated)
    }

    // MARK: - Unwrapping and glitches

    @Test("raw angles are unwrapped relative to zero: a depth past raw 4095 → 0 reads true",
          arguments: [0.0, 512, 3000, 3700, 4000, 4095])
    func unwrapped(zero: Double) {
        let calibration = DepthCalibration(zeroCounts: zero, mmPerCount: 0.001)
        for depth in stride(from: -0.2, through: 3.2, by: 0.1) {
            let raw = UInt16(((Int((zero + depth * 1000).rounded()) % 4096) + 4096) % 4096)
            #expect(abs(calibration.depthMM(rawAngle: raw) - depth) < 1e-9, "zero \(zero), \(depth) mm, raw \(raw)")
        }
    }

    @Test("raw 3839 and 0 are invalid samples wherever zero sits", arguments: [0.0, 100, 512, 3000, 3700, 4000])
    func glitchesInvalidAnywhere(zero: Double) {
        var config = SafetyConfig(calibration: DepthCalibration(zeroCounts: zero, mmPerCount: 0.001))
        config.calibrated = true
        for glitch in [DepthCalibration.failedTransferRaw, DepthCalibration.intermittentRaw] {
            var tracker = DepthTracker(startNs: 0)
            let verdict = tracker.accept(.reading(rawAngle: glitch, magnetGood: true), nowNs: 1_000_000, config: config).verdict
            #expect(verdict == .invalid, "raw \(glitch) with zero at \(zero)")
        }
        // A real reading 0.5 mm from zero (past the wrap for zero 3700 and 4000) is valid.
        var tracker = DepthTracker(startNs: 0)
        let raw = UInt16((Int(zero) + 500) % 4096)
        let verdict = tracker.accept(.reading(rawAngle: raw, magnetGood: true), nowNs: 1_000_000, config: config).verdict
        if case .valid(let mm) = verdict {
            #expect(abs(mm - 0.5) < 1e-9, "zero \(zero): raw \(raw) read \(mm) mm")
        } else {
            Issue.record("zero \(zero): raw \(raw), 0.5 mm from zero, was judged invalid")
        }
    }

    /// The refusal of a travel off the sensor names raw angles as whole counts, and the zeros
    /// that would fit; a value no Int can hold (a file may say 1e300) is printed as it is,
    /// not trapped on.
    @Test("a travel off the sensor is described in whole counts below 1e15; beyond (a zero of 1e300) as Swift prints the number")
    func travelOffSensorText() throws {
        let off = try #require(CalibrationMath.problem(with: DepthCalibration(zeroCounts: 3700, mmPerCount: 1.0 / 256)))
        #expect(off.field == .zeroCounts)
        let text = off.description
        #expect(text.contains("at raw 3648…4520") && text.contains("zero reads between 52 and 3019"), "\(text)")
        let huge = try #require(CalibrationMath.problem(with: DepthCalibration(zeroCounts: 1e300, mmPerCount: 0.001)))
        #expect(huge.description.contains("at raw 1e+300…1e+300"), "\(huge.description)")
        // Digits up to 1e15 (exclusive), where a Double still holds every whole count.
        let edge = CalibrationProblem.travelOffSensor(zeroCounts: 0, mmPerCount: 0.001, lowRaw: 1e15 - 1, highRaw: 1e15)
        #expect(edge.description.contains("at raw 999999999999999…1000000000000000.0,"), "\(edge.description)")
    }
}

extension Result where Failure == Refusal {
    var failureCode: Refusal.Code? {
        if case .failure(let refusal) = self { refusal.code } else { nil }
    }
}
