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
    }

    enum Verdict: Equatable {
        case valid(Double)
        case invalid
    }

    /// What one sample did to the sensor's standing.
    struct Outcome: Equatable {
        var verdict: Verdict
        /// `invalidSampleLimit` invalid samples in a row: the sensor has failed.
        var failed: Bool
        /// No valid sample for `sensorTimeoutNs` before this one (a dead sensor, or a loop
        /// that overran). Judged before this sample counts, so a late valid sample cannot
        /// hide the gap; the tracker trusts nothing from before it.
        var gap: Bool
    }

    /// Takes one sample; returns whether it was valid, whether the sensor has now failed
    /// (too many invalid samples in a row) and whether a gap preceded it.
    mutating func accept(_ input: DepthInput, nowNs: UInt64, config: SafetyConfig) -> Outcome {
        // Staleness first: the time since the last valid sample, before this one is judged.
        let gap = nowNs.nanoseconds(since: lastValidNs) > config.sensorTimeoutNs
        if gap {
            // No old sample may vouch for a new one across a gap (the jump check would
            // otherwise compare against a depth of unknown age).
            lastValidMM = nil
            consistentRun = 0
        }
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
        let failed = invalidRun >= config.invalidSampleLimit
        if failed {
            // Start again from nothing: after a failure no old sample may vouch for a new one.
            lastValidMM = nil
            consistentRun = 0
        }
        return Outcome(verdict: verdict, failed: failed, gap: gap)
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
