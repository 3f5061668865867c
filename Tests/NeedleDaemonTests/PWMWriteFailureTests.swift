import NeedleCore
import NeedleDaemon
import NeedleHAL
import NeedleSim
import Synchronization
import Testing

/// A PWM write that fails leaves the motor's drive unknown: the enable must not go high in
/// that tick (issue 9 §2 item 9), and the failure is handled as any failed output write is
/// (driver_fault, heartbeat stopped).
@Suite("Control loop: a failed PWM write")
struct PWMWriteFailureTests {
    /// The loop on the simulated pen with AIN1 behind a PWM that can be told to fail and the
    /// enable behind a recorder of every level written.
    struct Rig {
        let h: SimLoopHarness
        let pwm = FailingPWM()
        let enable = RecordingOutput()
        let heartbeat = RecordingOutput()

        init() {
            let pwm = pwm
            let enable = enable
            let heartbeat = heartbeat
            h = SimLoopHarness(wrap: { devices in
                var devices = devices
                heartbeat.inner = devices.heartbeat
                devices.heartbeat = heartbeat
                pwm.inner = devices.motorPWM
                devices.motorPWM = pwm
                enable.inner = devices.motorEnable
                devices.motorEnable = enable
                return devices
            })
        }
    }

    @Test("start with a PWM that cannot be written: the enable is never raised, the heartbeat skips that tick, driver_fault latches")
    func failedPWMAtStart() throws {
        let rig = Rig()
        let h = rig.h
        h.moveCollar(to: 0.5)
        h.waitForCartridge()
        _ = try h.command(.arm(Plan(targetDepthMM: 0.5))).get()
        rig.pwm.fail = true
        rig.enable.clear()
        h.tick()
        try #require(!rig.heartbeat.levels.isEmpty, "the heartbeat toggles every healthy tick")
        rig.heartbeat.clear()
        _ = try h.command(.start).get()
        h.tick()  // the tick that would start the motor: its PWM write fails
        #expect(rig.pwm.failures.load(ordering: .relaxed) > 0, "the start tick wrote the PWM")
        #expect(rig.heartbeat.levels.isEmpty, "a tick with a failed write does not feed the hardware watchdog")
        #expect(!rig.enable.levels.contains(true), "enable written \(rig.enable.levels) in a tick whose PWM write failed")
        #expect(!h.pen.snapshot().motorEnable)
        h.tick(2)
        #expect(h.loop.status().faults.contains(.driverFault))
        #expect(!rig.enable.levels.contains(true))
        #expect(!h.pen.snapshot().motorEnable)
    }

    @Test("a running motor whose PWM write fails has its enable low by the end of that tick")
    func failedPWMWhileRunning() throws {
        let rig = Rig()
        let h = rig.h
        _ = try h.startTreatment(depth: 0.5).get()
        h.tick(100)
        try #require(h.pen.snapshot().motorEnable)
        rig.pwm.fail = true
        // The speed controller changes the duty as the rate settles: wait for a tick that
        // writes (and fails to write) the PWM.
        var sawFailure = false
        for _ in 0..<500 where !sawFailure {
            let before = rig.pwm.failures.load(ordering: .relaxed)
            h.tick()
            if rig.pwm.failures.load(ordering: .relaxed) > before {
                sawFailure = true
                #expect(!h.pen.snapshot().motorEnable, "enable left high in the tick whose PWM write failed")
            }
        }
        #expect(sawFailure)
        h.tick(2)
        #expect(h.loop.status().faults.contains(.driverFault))
        #expect(!h.pen.snapshot().motorEnable)
    }
}

/// A PWM channel that can be told to fail, wrapping a real one; counts the failed writes.
final class FailingPWM: PWMChannel, @unchecked Sendable {
    var inner: (any PWMChannel)?
    var fail = false
    let failures = Atomic<Int>(0)
    func apply(_ state: PWMState) throws(HALError) {
        if fail {
            failures.add(1, ordering: .relaxed)
            throw HALError(.bus, device: "test pwm")
        }
        try inner?.apply(state)
    }
}

/// An output that records every level written to it, passing each to a real one.
final class RecordingOutput: DigitalOutput, @unchecked Sendable {
    var inner: (any DigitalOutput)?
    private(set) var levels: [Bool] = []
    func set(active: Bool) throws(HALError) {
        levels.append(active)
        try inner?.set(active: active)
    }
    func clear() { levels.removeAll() }
}
