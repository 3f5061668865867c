#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NeedleHAL

/// The coreless DC motor with its cam: a first-order lag from drive to stroke rate, and a
/// phase that counts revolutions (1 stroke per revolution).
struct MotorModel: Sendable {
    /// How the H-bridge treats the motor during a step.
    enum Drive: Sendable, Equatable {
        case driven(duty: Double)
        case braking
        case coasting
    }

    /// True stroke rate in Hz (revolutions per second).
    private(set) var rateHz = 0.0
    /// Fraction of the current revolution, 0..<1. The Hall sensor sees the magnet during
    /// the first quarter; a stroke is counted as the phase wraps.
    private(set) var phase = 0.5
    private(set) var totalStrokes: UInt64 = 0

    private let maxRateHz: Double
    private let loadFactor: Double
    private let stepS: Double
    /// Per-step decay factors exp(−dt/τ), computed once: an exact step of the lag.
    private let driveDecay: Double
    private let brakeDecay: Double
    private let coastDecay: Double

    /// Below this an undriven motor stops: the cam cannot lift the needle against its
    /// return spring on momentum alone, so a pure exponential (never reaching zero) would
    /// be wrong — and a stopped motor lets the simulator skip idle time.
    static let stopThresholdHz = 2.0

    init(parameters: SimParameters) {
        maxRateHz = parameters.maxStrokeRateHz
        loadFactor = parameters.loadFactor
        stepS = Double(parameters.substepNs) / 1e9
        driveDecay = exp(-stepS / parameters.driveTimeConstantS)
        brakeDecay = exp(-stepS / parameters.brakeTimeConstantS)
        coastDecay = exp(-stepS / parameters.coastTimeConstantS)
    }

    var isStopped: Bool { rateHz == 0 }

    /// Whether the Hall sensor sees the cam magnet.
    var hallActive: Bool { phase < 0.25 }

    /// The steady rate the drive would reach.
    func steadyRate(duty: Double, load: Double) -> Double {
        maxRateHz * duty * (1 - loadFactor * load)
    }

    /// Advances one substep starting at `startNs` and queues a tach activation, at the
    /// exact (linearly interpolated) time, for each stroke completed in it.
    mutating func step(
        startNs: UInt64, stepNs: UInt64, drive: Drive, load: Double, jammed: Bool,
        tach: inout EdgeRing
    ) {
        guard !jammed else {
            // A jammed cam does not turn, whatever the drive does.
            rateHz = 0
            return
        }
        let target: Double
        let decay: Double
        switch drive {
        case .driven(let duty):
            target = steadyRate(duty: duty, load: load)
            decay = driveDecay
        case .braking:
            target = 0
            decay = brakeDecay
        case .coasting:
            target = 0
            decay = coastDecay
        }
        let startRate = rateHz
        rateHz = target + (startRate - target) * decay
        if target == 0, rateHz < Self.stopThresholdHz {
            rateHz = 0
        }
        // Trapezoidal phase advance over the step.
        let advance = (startRate + rateHz) / 2 * stepS
        guard advance > 0 else { return }
        let end = phase + advance
        var crossing = 1.0
        while end >= crossing {
            let fraction = (crossing - phase) / advance
            totalStrokes += 1
            let offset = UInt64((fraction * Double(stepNs)).rounded())
            tach.push(EdgeEvent(timestampNs: startNs + offset, becameActive: true))
            crossing += 1
        }
        phase = end - end.rounded(.down)
    }
}
