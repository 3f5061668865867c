/// A tiny seeded PRNG (SplitMix64). The simulator's noise and bus disturbance come from
/// it, so that a run on a virtual clock with a given seed is reproducible bit for bit.
/// Public so that tests can generate the world around the pen from a seed with the same
/// generator (the same sequence on every platform, unlike the standard library's).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<1.
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in -span...span.
    mutating func nextInt(span: Int) -> Int {
        guard span > 0 else { return 0 }
        return Int(next() % UInt64(2 * span + 1)) - span
    }
}
