/// Decides which depth samples to trust (DESIGN.md §3 rule 3).
///
/// A sample is invalid when the read failed, the magnet status is bad, the depth is
/// outside the collar's mechanical range, or it jumped further from the last valid sample
/// than the collar can move in the time between them. `invalidSampleLimit` invalid samples
/// in a row, or no valid sample for `sensorTimeoutNs`, is a sensor fault. A depth is only
/// *trusted* (enough to start the motor on) after `trustSamples` consistent samples, so a
/// single glitch can never be what turns the motor on.
struct DepthTracker: Sendable {
    private(set) var lastValidMM: Double?
    private(set) var lastValidNs: UInt64
    private(set) var invalidRun = 0
    private(set) var consistentRun = 0
    private var lastRaw: UInt16?
    private var rawUnchangedSinceNs: UInt64 = 0

    init(startNs: UInt64) {
        lastValidNs = startNs
        lastSampleNs = startNs
    }

    enum Verdict: Equatable {
        case valid(Double)
        case invalid
    }

    /// What one sample did to the sensor's standing.
    struct Outcome: Equatable {
        var verdict: Verdict
        /// The sensor has failed: `invalidSampleLimit` invalid samples in a row, or no valid
        /// sample for `sensorTimeoutNs` while the loop kept asking. Judged before this sample
        /// counts, so a late valid sample cannot hide a stale sensor.
        var failed: Bool
        /// How long the loop was away before this sample, when longer than the sensor
        /// timeout (0 otherwise): the tracker then trusts nothing from before it, and the
        /// supervisor decides what the gap means for a turning motor.
        var loopGapNs: UInt64
    }

    /// When the previous sample was taken (the loop's previous tick).
    private var lastSampleNs: UInt64

    /// Takes one sample; returns whether it was valid, whether the sensor has now failed,
    /// and how long the loop was away before it.
    mutating func accept(_ input: DepthInput, nowNs: UInt64, config: SafetyConfig) -> Outcome {
        // A loop that was away (overran, or was held by the host) asked nothing meanwhile: no
        // old sample may vouch for a new one across that gap.
        let sinceSampleNs = nowNs.nanoseconds(since: lastSampleNs)
        lastSampleNs = nowNs
        let loopGapNs = sinceSampleNs > config.sensorTimeoutNs ? sinceSampleNs : 0
        if loopGapNs > 0 {
            lastValidMM = nil
            consistentRun = 0
        }
        // Staleness first: while the loop kept asking, no valid sample for the timeout is a
        // failed sensor, whatever this sample says.
        let stale = loopGapNs == 0 && nowNs.nanoseconds(since: lastValidNs) > config.sensorTimeoutNs
        let verdict = judge(input, nowNs: nowNs, config: config)
        switch verdict {
        case .valid(let mm):
            lastValidMM = mm
            lastValidNs = nowNs
            invalidRun = 0
            consistentRun += 1
        case .invalid:
            invalidRun += 1
            consistentRun = 0
        }
        // After a gap, an invalid sample means no valid one for longer than the timeout.
        let failed = stale || invalidRun >= config.invalidSampleLimit || (loopGapNs > 0 && verdict == .invalid)
        if failed {
            // Start again from nothing: after a failure no old sample may vouch for a new one.
            lastValidMM = nil
            consistentRun = 0
        }
        return Outcome(verdict: verdict, failed: failed, loopGapNs: loopGapNs)
    }

    private func judge(_ input: DepthInput, nowNs: UInt64, config: SafetyConfig) -> Verdict {
        guard case .reading(let raw, let magnetGood) = input, magnetGood else { return .invalid }
        // 3839 and 0 are what the AS5600 returns for no angle: never a depth, wherever zero sits.
        if DepthCalibration.isGlitch(raw) { return .invalid }
        let mm = config.calibration.depthMM(rawAngle: raw)
        guard mm.isFinite, config.plausibleRangeMM.contains(mm) else { return .invalid }
        if let previous = lastValidMM {
            let dtS = Double(nowNs.nanoseconds(since: lastValidNs)) / 1e9
            let maxJump = config.noiseAllowanceMM + config.maxCollarSpeedMMPerS * dtS
            if abs(mm - previous) > maxJump { return .invalid }
        }
        return .valid(mm)
    }

    /// Tracks how long the raw angle has been frozen at exactly one value. Only meaningful
    /// while the needles vibrate the collar; the caller decides when to look.
    mutating func noteRaw(_ input: DepthInput, nowNs: UInt64) -> UInt64 {
        guard case .reading(let raw, _) = input else { return 0 }
        if raw != lastRaw {
            lastRaw = raw
            rawUnchangedSinceNs = nowNs
        }
        return nowNs.nanoseconds(since: rawUnchangedSinceNs)
    }

    /// How long the raw angle has been frozen at one value as of `nowNs`.
    func frozenNs(nowNs: UInt64) -> UInt64 {
        lastRaw == nil ? 0 : nowNs.nanoseconds(since: rawUnchangedSinceNs)
    }

    /// The last valid depth if it is fresh and trusted, else nil.
    func trustedDepth(nowNs: UInt64, config: SafetyConfig) -> Double? {
        guard consistentRun >= config.trustSamples, nowNs.nanoseconds(since: lastValidNs) <= config.sensorTimeoutNs else { return nil }
        return lastValidMM
    }

    /// The last valid depth if it is fresh (for display), else nil.
    func freshDepth(nowNs: UInt64, config: SafetyConfig) -> Double? {
        guard nowNs.nanoseconds(since: lastValidNs) <= config.sensorTimeoutNs else { return nil }
        return lastValidMM
    }
}
