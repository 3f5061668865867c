import Testing
@testable import NeedleCore

/// The supervisor's safety tunables are requirements, not tuning: DESIGN.md §3 gives the
/// tolerance, the 3 invalid samples, the 5 ms sensor timeout and the 20 ms monostable, and
/// each other value is argued in `SafetyConfig`'s comments and the hazard log. The tests of
/// the rules use these defaults but most cannot tell a nanosecond or a hundredth apart, so
/// each default is pinned here (issue 9 §4: found by mutation testing).
@Suite("Safety tunables are the design's")
struct SafetyConfigDefaultsTests {
    @Test("the safety defaults are exactly the documented values")
    func defaults() {
        let config = SafetyConfig(calibration: CoreHarness.calibration)
        #expect(config.toleranceMM == 0.05 && SafetyConfig.maxToleranceMM == 0.05)
        #expect(config.invalidSampleLimit == 3)
        #expect(config.sensorTimeoutNs == 5_000_000)
        #expect(config.loopGapLatchNs == 20_000_000)
        #expect(config.maxCollarSpeedMMPerS == 50)
        #expect(config.noiseAllowanceMM == 0.03)
        #expect(config.plausibleRangeMM == -0.2...3.2)
        #expect(config.trustSamples == 3)
        #expect(config.stuckTimeoutNs == 50_000_000)
        #expect(config.stallTimeoutNs == 100_000_000)
        #expect(config.runawayCoastStrokes == 30)
        #expect(config.runawayCoastNs == 500_000_000)
        #expect(config.runawayRateHz == 180)
        #expect(config.tachFutureSlackNs == 2_000_000)
        #expect(config.triggerDebounceNs == 20_000_000)
    }

    /// The daemon reads the flag itself before any supervisor exists (the start-up log says
    /// "the depth sensor is not calibrated" from it), so the placeholder must say so on its own,
    /// not only once `SafetySupervisor.init` has refused its scale.
    @Test("the placeholder of a pen with no calibration is flagged uncalibrated, at the AS5600's nominal 0.001 mm a count")
    func uncalibratedPlaceholder() {
        let config = SafetyConfig.uncalibrated()
        #expect(!config.calibrated)
        #expect(config.calibration.mmPerCount == 0.001)
    }
}
