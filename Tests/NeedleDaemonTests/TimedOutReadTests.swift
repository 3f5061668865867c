import Glibc
import NeedleCore
import NeedleDaemon
import NeedleHAL
import Testing

/// Item 11 in the loop: a depth read that times out (what a hung transfer becomes once
/// the adapter's short timeout fires: ETIMEDOUT → HALError kind `timeout`) is an invalid
/// sample; three in a row latch `sensor_fault` and the enable goes low.
@Suite("Control loop: a timed-out depth read is an invalid sample")
struct TimedOutReadTests {
    final class TimingOutSensor: DepthSensor, @unchecked Sendable {
        var inner: (any DepthSensor)?
        var timingOut = false
        func read() throws(HALError) -> DepthSensorReading {
            if timingOut { throw HALError(.timeout, device: "depth-i2c", errno: ETIMEDOUT) }
            guard let inner else { throw HALError(.unavailable) }
            return try inner.read()
        }
    }

    @Test("timed-out reads while running latch sensor_fault within 3 ticks and drop the enable")
    func timeoutsLatchSensorFault() throws {
        let sensor = TimingOutSensor()
        let h = SimLoopHarness(wrap: { devices in
            var devices = devices
            sensor.inner = devices.depthSensor
            devices.depthSensor = sensor
            return devices
        })
        _ = try h.startTreatment(depth: 0.5).get()
        h.tick(400)
        #expect(h.pen.snapshot().motorEnable)
        sensor.timingOut = true
        h.tick(3)
        #expect(h.loop.status().faults.contains(.sensorFault))
        #expect(!h.pen.snapshot().motorEnable)
    }
}
