import NeedleHAL
import NeedleSim
import Testing

@Suite("Simulated heartbeat watchdog")
struct WatchdogTests {
    @Test("motor power is cut until the heartbeat first toggles")
    func cutAtPowerUp() throws {
        let rig = SimRig()
        try rig.drive(duty: 1)
        try rig.run(ms: 50, heartbeat: false)
        #expect(rig.pen.motorPowerCut)
        #expect(rig.pen.snapshot().totalStrokes == 0)
        try rig.run(ms: 1)
        #expect(!rig.pen.motorPowerCut)
    }

    @Test("more than 20 ms without a toggle cuts power; toggling again restores it")
    func cutsAndRestores() throws {
        let rig = SimRig()
        try rig.drive(duty: 1)
        try rig.run(ms: 200)
        #expect(!rig.pen.snapshot().watchdogCut)
        // The last toggle was at the start of the last tick, 1 ms ago; 19 more ms make
        // exactly 20 ms without a toggle: still powered.
        try rig.run(ms: 19, heartbeat: false)
        #expect(!rig.pen.motorPowerCut)
        #expect(rig.pen.snapshot().motorDriven)
        try rig.run(ms: 1, heartbeat: false)
        let cut = rig.pen.snapshot()
        #expect(cut.watchdogCut)
        #expect(!cut.motorDriven)
        try rig.run(ms: 400, heartbeat: false)
        #expect(rig.rate == 0)
        try rig.run(ms: 300)
        #expect(!rig.pen.snapshot().watchdogCut)
        #expect(rig.rate > 249)
    }

    @Test("setting the heartbeat to the same level is not a toggle")
    func sameLevelIsNoToggle() throws {
        let rig = SimRig()
        try rig.drive(duty: 1)
        try rig.pen.heartbeat.set(active: true)
        for _ in 0..<30 {
            rig.clock.advance(milliseconds: 1)
            try rig.pen.heartbeat.set(active: true)
        }
        #expect(rig.pen.motorPowerCut)
        #expect(rig.pen.snapshot().heartbeat)
    }

    @Test("outputs record their levels")
    func outputsRecorded() throws {
        let rig = SimRig()
        try rig.pen.statusLED.set(active: true)
        try rig.pen.faultLED.set(active: true)
        try rig.pen.brake.set(active: true)
        try rig.pen.motorPWM.apply(.duty(0.5, periodNs: 50_000))
        let snap = rig.pen.snapshot()
        #expect(snap.statusLED && snap.faultLED && snap.brake && !snap.motorEnable)
        #expect(snap.pwm == .duty(0.5, periodNs: 50_000))
    }

    @Test("makeDevices wires the sim's lines with the caller's sensor")
    func makeDevices() throws {
        let rig = SimRig()
        let devices = rig.pen.makeDevices(depthSensor: rig.sensor)
        try devices.motorEnable.set(active: true)
        #expect(rig.pen.snapshot().motorEnable)
        #expect(devices.depthSensor === rig.sensor)
        #expect(try devices.cartridgePresent.read())
    }

    @Test("devices are safe to use from several threads at once")
    func concurrentAccess() async throws {
        let rig = SimRig()
        let pen = rig.pen
        let clock = rig.clock
        try rig.drive(duty: 1)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<2_000 {
                    try? pen.heartbeat.set(active: i % 2 == 0)
                    clock.advance(microseconds: 500)
                    _ = try? pen.tach.drainActivations()
                }
            }
            group.addTask {
                for i in 0..<2_000 {
                    pen.setLoad(Double(i % 10) / 10)
                    _ = pen.snapshot()
                }
            }
        }
        #expect(pen.snapshot().totalStrokes > 0)
    }
}
