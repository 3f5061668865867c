import NeedleDrivers
import NeedleHAL
import NeedleSim
import Testing

@Suite("Simulated faults")
struct FaultTests {
    @Test("fault names are the wire names")
    func faultNames() {
        #expect(SimFault.allCases.map(\.rawValue) == [
            "sensor-error", "magnet-missing", "sensor-stuck", "driver-fault", "stall", "estop",
            "cartridge-removed", "motor-runaway", "pwm-stuck",
        ])
    }

    @Test("sensor-error: every transfer NACKs until cleared")
    func sensorError() throws {
        let rig = SimRig()
        rig.pen.inject(.sensorError)
        #expect(throws: HALError(.noAcknowledge, device: "sim-as5600")) { try rig.sensor.read() }
        rig.pen.clear(.sensorError)
        #expect(try rig.sensor.read().magnet == .good)
    }

    @Test("magnet-missing: STATUS MD = 0")
    func magnetMissing() throws {
        let rig = SimRig()
        rig.pen.inject(.magnetMissing)
        let reading = try rig.sensor.read()
        #expect(!reading.magnet.detected)
        #expect(!reading.magnet.isGood)
        rig.pen.clear(.magnetMissing)
        #expect(try rig.sensor.read().magnet.isGood)
    }

    @Test("sensor-stuck: the angle freezes, without noise, while the collar moves")
    func sensorStuck() throws {
        let rig = SimRig()
        rig.pen.inject(.sensorStuck)
        let frozen = try rig.sensor.read().rawAngle
        rig.pen.setDepth(mm: 0.9)
        try rig.run(ms: 100)
        for _ in 0..<20 { #expect(try rig.sensor.read().rawAngle == frozen) }
        #expect(frozen == 1012)
        rig.pen.clear(.sensorStuck)
        #expect(abs(Int(try rig.sensor.read().rawAngle) - 1412) <= 2)
    }

    @Test("a glitch returns its value for the next angle read only", arguments: [UInt16(3839), 0])
    func glitch(value: UInt16) throws {
        let rig = SimRig()
        rig.pen.glitch(rawAngle: value)
        #expect(try rig.sensor.read().rawAngle == value)
        #expect(abs(Int(try rig.sensor.read().rawAngle) - 1012) <= 2)
    }

    @Test("bus disturbance fails transfers only while the motor turns")
    func busDisturbance() throws {
        let rig = SimRig()
        rig.pen.setBusDisturbance(probability: 1)
        #expect(throws: Never.self) { try rig.sensor.read() }
        try rig.drive(duty: 1)
        try rig.run(ms: 20)
        var failures = 0
        for _ in 0..<20 {
            do { _ = try rig.sensor.read() } catch {
                #expect(error.kind == .noAcknowledge || error.kind == .bus)
                failures += 1
            }
        }
        #expect(failures == 20)
    }

    @Test("partial bus disturbance fails some transfers, not all")
    func partialDisturbance() throws {
        let rig = SimRig()
        rig.pen.setBusDisturbance(probability: 0.2)
        try rig.drive(duty: 1)
        try rig.run(ms: 20)
        var failures = 0
        for _ in 0..<500 {
            if (try? rig.sensor.read()) == nil { failures += 1 }
        }
        // One transfer per read (the AS5600's block read), failing with p = 0.2: ~20 % of
        // reads (100 ± 9); a driver back on two transfers fails ~36 % (180) and is caught.
        #expect(failures > 60 && failures < 140)
    }

    @Test("driver-fault: nFAULT active and the driver stops driving")
    func driverFault() throws {
        let rig = SimRig()
        try rig.drive(duty: 1)
        try rig.run(ms: 200)
        #expect(try !rig.pen.driverFault.read())
        rig.pen.inject(.driverFault)
        #expect(try rig.pen.driverFault.read())
        try rig.run(ms: 1)
        #expect(!rig.pen.snapshot().motorDriven)
        try rig.run(ms: 400)
        #expect(rig.rate == 0)
        rig.pen.clear(.driverFault)
        #expect(try !rig.pen.driverFault.read())
    }

    @Test("estop: the e-stop input is active")
    func estop() throws {
        let rig = SimRig()
        #expect(try !rig.pen.estop.read())
        rig.pen.inject(.estop)
        #expect(try rig.pen.estop.read())
        rig.pen.clear(.estop)
        #expect(try !rig.pen.estop.read())
    }

    @Test("cartridge-removed: the cartridge-present input is inactive")
    func cartridgeRemoved() throws {
        let rig = SimRig()
        #expect(try rig.pen.cartridgePresent.read())
        rig.pen.inject(.cartridgeRemoved)
        #expect(try !rig.pen.cartridgePresent.read())
        #expect(rig.pen.snapshot().faults == [.cartridgeRemoved])
        rig.pen.clearAllFaults()
        #expect(try rig.pen.cartridgePresent.read())
        #expect(rig.pen.snapshot().faults == [])
    }

    @Test("trigger: level and timestamped edges")
    func trigger() throws {
        let rig = SimRig()
        #expect(try rig.pen.trigger.nextEdge() == nil)
        rig.pen.pressTrigger()
        let pressedAt = rig.now
        #expect(try rig.pen.trigger.read())
        rig.clock.advance(milliseconds: 5)
        rig.pen.releaseTrigger()
        #expect(try !rig.pen.trigger.read())
        #expect(try rig.pen.trigger.nextEdge() == EdgeEvent(timestampNs: pressedAt, becameActive: true))
        #expect(try rig.pen.trigger.nextEdge() == EdgeEvent(timestampNs: pressedAt + 5_000_000, becameActive: false))
        #expect(try rig.pen.trigger.nextEdge() == nil)
    }
}
