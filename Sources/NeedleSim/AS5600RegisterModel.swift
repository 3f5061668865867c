import NeedleHAL

/// The AS5600 as its I2C registers, with the failure modes seen in the field (DESIGN §4).
///
/// Every transaction samples the collar once: a word or block read gets every angle byte
/// (and STATUS) from the same sample, as the real part's auto-incrementing read does, while
/// two byte reads sample twice — so a driver that reads the bytes separately sees torn
/// values while the collar moves, exactly as on the hardware.
struct AS5600RegisterModel: Sendable {
    enum Register {
        static let status: UInt8 = 0x0B
        static let rawAngleHigh: UInt8 = 0x0C
        static let rawAngleLow: UInt8 = 0x0D
        static let angleHigh: UInt8 = 0x0E
        static let angleLow: UInt8 = 0x0F
    }

    static let magnetDetected: UInt8 = 1 << 5
    static let error = HALError(.noAcknowledge, device: "sim-as5600")
    static let disturbance = HALError(.bus, device: "sim-as5600")
    static let invalidLength = HALError(.invalidArgument, device: "sim-as5600")

    let address: UInt8
    let calibration: SimCalibration
    var noiseCounts: Int
    var rng: SplitMix64
    /// Probability that a transaction fails while the motor turns (the motor's cable
    /// couples into the bus: NACKs and bus errors).
    var disturbanceProbability = 0.0
    /// One-shot value for the next angle sample (e.g. 3839 or 0, as seen in the field).
    var pendingGlitch: UInt16?
    /// The frozen angle while `sensor-stuck` is active.
    var stuckAngle: UInt16?

    init(address: UInt8, calibration: SimCalibration, noiseCounts: Int, seed: UInt64) {
        self.address = address
        self.calibration = calibration
        self.noiseCounts = noiseCounts
        rng = SplitMix64(seed: seed)
    }

    /// The noise-free angle for a collar depth.
    func idealAngle(depthMM: Double) -> UInt16 {
        let counts = Double(calibration.zeroCounts) + (depthMM / calibration.mmPerCount).rounded()
        return Self.wrap(counts)
    }

    /// Performs one SMBus transaction at `address` against the registers.
    mutating func perform(
        _ operation: SMBusOperation, address: UInt8, depthMM: Double, faults: FaultSet, motorTurning: Bool
    ) -> Result<UInt32, HALError> {
        guard address == self.address, !faults.contains(.sensorError) else { return .failure(Self.error) }
        if motorTurning, disturbanceProbability > 0, rng.nextUnit() < disturbanceProbability {
            return .failure(rng.next() & 1 == 0 ? Self.error : Self.disturbance)
        }
        switch operation {
        case .readByteData(let register):
            let angle = register.isAngleRegister ? sampleAngle(depthMM: depthMM) : 0
            return .success(UInt32(byte(at: register, angle: angle, faults: faults)))
        case .readWordData(let register):
            // SMBus words are little-endian: the byte at `register` is the low byte.
            return .success(readSequential(from: register, count: 2, depthMM: depthMM, faults: faults))
        case .readI2CBlockData(let register, let count):
            guard SMBusOperation.blockCounts.contains(count) else { return .failure(Self.invalidLength) }
            return .success(readSequential(from: register, count: count, depthMM: depthMM, faults: faults))
        case .writeI2CBlockData(_, let count, _):
            guard SMBusOperation.blockCounts.contains(count) else { return .failure(Self.invalidLength) }
            return .success(0)
        case .writeByteData, .writeWordData:
            // Configuration writes (ZPOS, MPOS, CONF) are acknowledged; the simulated
            // collar has no use for them.
            return .success(0)
        }
    }

    /// `count` consecutive registers from `register`, packed low byte first, with at most
    /// one angle sample for the whole transaction (none if it touches no angle register).
    private mutating func readSequential(
        from register: UInt8, count: UInt8, depthMM: Double, faults: FaultSet
    ) -> UInt32 {
        let touchesAngle = (0..<count).contains { (register &+ $0).isAngleRegister }
        let angle = touchesAngle ? sampleAngle(depthMM: depthMM) : 0
        return SMBusBlock.pack(count: count) { byte(at: register &+ $0, angle: angle, faults: faults) }
    }

    private func byte(at register: UInt8, angle: UInt16, faults: FaultSet) -> UInt8 {
        switch register {
        case Register.status: faults.contains(.magnetMissing) ? 0 : Self.magnetDetected
        case Register.rawAngleHigh, Register.angleHigh: UInt8(truncatingIfNeeded: angle >> 8)
        case Register.rawAngleLow, Register.angleLow: UInt8(truncatingIfNeeded: angle)
        default: 0
        }
    }

    private mutating func sampleAngle(depthMM: Double) -> UInt16 {
        if let glitch = pendingGlitch {
            pendingGlitch = nil
            return glitch & 0x0FFF
        }
        if let stuck = stuckAngle { return stuck }
        // Triangular noise (the sum of two uniform draws): bounded, centred, Gaussian-ish.
        let half = noiseCounts / 2
        let noise = rng.nextInt(span: half) + rng.nextInt(span: noiseCounts - half)
        return Self.wrap(Double(idealAngle(depthMM: depthMM)) + Double(noise))
    }

    /// The angle is a position on a circle: 12 bits, wrapping.
    private static func wrap(_ counts: Double) -> UInt16 {
        // Clamped first: a non-finite or huge input must not trap the conversion.
        guard counts.isFinite else { return 0 }
        let value = Int(min(max(counts, -1e9), 1e9).rounded()) % 4096
        return UInt16(value < 0 ? value + 4096 : value)
    }
}

extension UInt8 {
    fileprivate var isAngleRegister: Bool { (0x0C...0x0F).contains(self) }
}
