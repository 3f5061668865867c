import NeedleDrivers
import NeedleHAL
import NeedleSim
import Testing

/// The raw angle the shipped calibration gives for a depth.
private func counts(mm: Double) -> Int {
    Int(SimulatedPen.calibration.zeroCounts) + Int((mm / SimulatedPen.calibration.mmPerCount).rounded())
}

@Suite("Simulated depth collar and AS5600 register model")
struct CollarAndSensorTests {
    /// A pen whose sensor has no noise, so that register values are exact.
    static func quietRig(collarSpeedMMPerS: Double? = nil) -> SimRig {
        var parameters = SimParameters()
        parameters.noiseCounts = 0
        if let collarSpeedMMPerS { parameters.collarSpeedMMPerS = collarSpeedMMPerS }
        return SimRig(parameters: parameters)
    }

    @Test("the collar slews to a new depth at 5 mm/s and never jumps")
    func collarSlews() throws {
        let rig = SimRig()
        #expect(rig.pen.snapshot().collarDepthMM == 0.5)
        rig.pen.setDepth(mm: 1.5)
        var previous = 0.5
        try rig.run(ms: 100) {
            let depth = rig.pen.snapshot().collarDepthMM
            #expect(depth - previous <= 0.005 + 1e-9)
            previous = depth
        }
        #expect(abs(rig.pen.snapshot().collarDepthMM - 1.0) < 1e-6)
        try rig.run(ms: 150)
        let snap = rig.pen.snapshot()
        #expect(snap.collarDepthMM == 1.5)
        #expect(snap.collarTargetMM == 1.5)
    }

    @Test("the collar speed is configurable")
    func collarSpeed() throws {
        let rig = SimRig()
        rig.pen.setCollarSpeed(mmPerSecond: 1)
        rig.pen.setDepth(mm: 0.2)
        try rig.run(ms: 100)
        #expect(abs(rig.pen.snapshot().collarDepthMM - 0.4) < 1e-6)
    }

    @Test("the real AS5600 driver over the sim's bus reads the calibrated depth within ±2 counts")
    func driverReadsCalibratedDepth() throws {
        let rig = SimRig()
        let expected = counts(mm: 0.5)
        var seen = Set<UInt16>()
        for _ in 0..<200 {
            let reading = try rig.sensor.read()
            #expect(reading.magnet == .good)
            #expect(abs(Int(reading.rawAngle) - expected) <= 2)
            seen.insert(reading.rawAngle)
        }
        // It is noisy, not a constant.
        #expect(seen.count >= 3)
    }

    @Test("the reading follows the collar as it moves")
    func readingFollowsCollar() throws {
        let rig = SimRig()
        rig.pen.setDepth(mm: 2.0)
        try rig.run(ms: 400)
        #expect(abs(Int(try rig.sensor.read().rawAngle) - counts(mm: 2.0)) <= 2)
    }

    @Test("noise is deterministic for a seed")
    func seededNoise() throws {
        let a = SimRig()
        let b = SimRig()
        let readA = try (0..<50).map { _ in try a.sensor.read().rawAngle }
        let readB = try (0..<50).map { _ in try b.sensor.read().rawAngle }
        #expect(readA == readB)
        b.pen.setSeed(42)
        let readC = try (0..<50).map { _ in try b.sensor.read().rawAngle }
        #expect(readC != readA)
    }

    @Test("register map: RAW ANGLE big-endian on the wire, ANGLE mirrors it, others read 0")
    func registerMap() throws {
        let rig = Self.quietRig()
        let bus = rig.pen.i2cBus
        let raw = UInt16(counts(mm: 0.5))  // 1012 = 0x03F4
        #expect(try bus.perform(.readWordData(register: 0x0C), address: 0x36) == UInt32(raw.byteSwapped))
        #expect(try bus.readBigEndianWord(address: 0x36, register: 0x0E) == raw)
        #expect(try bus.readByte(address: 0x36, register: 0x0C) == UInt8(raw >> 8))
        #expect(try bus.readByte(address: 0x36, register: 0x0D) == UInt8(raw & 0xFF))
        #expect(try bus.readByte(address: 0x36, register: 0x0B) == 0x20)
        #expect(try bus.readByte(address: 0x36, register: 0x1A) == 0)
        try bus.writeByte(address: 0x36, register: 0x07, value: 0)
    }

    @Test("byte-wise angle reads tear while the collar moves; the word read does not")
    func tornByteReads() throws {
        // fast enough to cross a 256-count boundary between reads
        let rig = Self.quietRig(collarSpeedMMPerS: 1000)
        let bus = rig.pen.i2cBus
        // Collar at 0.5 mm = 1012 counts (0x03F4); moving toward 1.0 mm = 1512 (0x05E8).
        rig.pen.setDepth(mm: 1.0)
        let high = try bus.readByte(address: 0x36, register: 0x0C)  // 0x03, sampled at 1012
        rig.clock.advance(microseconds: 200)  // collar moves 0.2 mm = 200 counts → 1212 = 0x04BC
        let low = try bus.readByte(address: 0x36, register: 0x0D)
        let torn = UInt16(high) << 8 | UInt16(low)
        #expect(torn == 0x03BC)  // neither 1012 nor 1212
        let word = try bus.readBigEndianWord(address: 0x36, register: 0x0C)
        #expect(word == 1212)
    }

    @Test("a block read from 0x0B is the separate reads of STATUS, 0x0C and 0x0D at the same moment")
    func blockReadIsConsecutiveRegisters() throws {
        let rig = Self.quietRig()
        let bus = rig.pen.i2cBus
        // The collar is still: the separate reads all see one angle, 1012 = 0x03F4.
        let separate = try [0x0B, 0x0C, 0x0D, 0x0E].map { try bus.readByte(address: 0x36, register: $0) }
        #expect(separate == [0x20, 0x03, 0xF4, 0x03])
        #expect(try bus.readBlock(address: 0x36, register: 0x0B, count: 3) == 0xF4_03_20)
        #expect(try bus.readBlock(address: 0x36, register: 0x0B, count: 4) == 0x03_F4_03_20)
        #expect(try bus.readBlock(address: 0x36, register: 0x0B, count: 1) == 0x20)
        #expect(try bus.readBlock(address: 0x36, register: 0x1A, count: 2) == 0)
    }

    @Test("a block read samples the collar once: coherent while the collar moves")
    func blockReadCoherent() throws {
        let rig = Self.quietRig(collarSpeedMMPerS: 1000)
        rig.pen.setDepth(mm: 1.0)
        rig.clock.advance(microseconds: 200)  // 1212 = 0x04BC: a 256-count boundary crossed
        let block = try rig.pen.i2cBus.readBlock(address: 0x36, register: 0x0B, count: 3)
        #expect(block == 0xBC_04_20)
        #expect(try rig.sensor.read().rawAngle == 1212)
    }

    @Test("a block read takes one noisy sample for both angle bytes, even on a 256-count boundary")
    func blockReadOneSample() throws {
        var parameters = SimParameters()
        parameters.noiseCounts = 4
        let rig = SimRig(parameters: parameters)
        rig.pen.setDepth(mm: 0.512)  // raw 1024 = 0x400: the noise crosses the high byte's boundary
        try rig.run(ms: 10)
        var below = 0
        for _ in 0..<200 {
            let angle = Int(try rig.sensor.read().rawAngle)
            // Bytes from two samples would combine 0x03 with 0x00..0x04, or 0x04 with 0xFC..0xFF.
            #expect(abs(angle - 1024) <= 4)
            if angle < 1024 { below += 1 }
        }
        #expect(below > 0 && below < 200, "the noise must cross the boundary for this test to mean anything")
    }

    @Test("the sim's sensor faults act on the block read as on the separate reads")
    func blockReadFaults() throws {
        let rig = Self.quietRig()
        let bus = rig.pen.i2cBus
        rig.pen.inject(.magnetMissing)
        #expect(try bus.readByte(address: 0x36, register: 0x0B) == 0)
        #expect(try bus.readBlock(address: 0x36, register: 0x0B, count: 3) == 0xF4_03_00)
        rig.pen.clear(.magnetMissing)
        rig.pen.inject(.sensorError)
        #expect(throws: HALError(.noAcknowledge, device: "sim-as5600")) {
            try bus.readBlock(address: 0x36, register: 0x0B, count: 3)
        }
        rig.pen.clear(.sensorError)
        rig.pen.glitch(rawAngle: 3839)  // 0x0EFF, for the next angle sample only
        #expect(try bus.readBlock(address: 0x36, register: 0x0B, count: 3) == 0xFF_0E_20)
        #expect(try bus.readBlock(address: 0x36, register: 0x0B, count: 3) == 0xF4_03_20)
        #expect(try bus.readBlock(address: 0x36, register: 0x0B, count: 1) == 0x20)  // STATUS only: no sample
        rig.pen.inject(.sensorStuck)
        rig.pen.setDepth(mm: 0.9)
        try rig.run(ms: 100)
        #expect(try bus.readBlock(address: 0x36, register: 0x0B, count: 3) == 0xF4_03_20)
        #expect(throws: HALError(.noAcknowledge, device: "sim-as5600")) {
            try bus.readBlock(address: 0x37, register: 0x0B, count: 3)
        }
    }

    @Test("block lengths outside 1...4 are refused", arguments: [UInt8(0), 5])
    func blockLength(count: UInt8) {
        let rig = SimRig()
        #expect(throws: HALError(.invalidArgument, device: "sim-as5600")) {
            try rig.pen.i2cBus.readBlock(address: 0x36, register: 0x0B, count: count)
        }
        #expect(throws: HALError(.invalidArgument, device: "sim-24c02")) {
            try rig.pen.i2cBus.readBlock(address: 0x50, register: 0, count: count)
        }
    }

    @Test("other addresses do not acknowledge")
    func otherAddressNACK() {
        let rig = SimRig()
        #expect(throws: HALError(.noAcknowledge, device: "sim-as5600")) {
            try rig.pen.i2cBus.perform(.readByteData(register: 0x0B), address: 0x37)
        }
    }
}
