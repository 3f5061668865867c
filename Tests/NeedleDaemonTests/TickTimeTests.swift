import NeedleCore
import NeedleDaemon
import NeedleDrivers
import NeedleSim
import Testing

/// The simulated pen on tick time: each tick advances its clock by exactly one period, so
/// a host that holds the loop thread never shows the pen a gap in its depth samples.
@Suite("Simulated pen on tick time")
struct TickTimeTests {
    @Test("the pen's clock advances exactly one period per tick, however late the wake-ups were")
    func onePeriodPerTick() async throws {
        let clock = VirtualClock(nanoseconds: 1_000_000_000)
        let pen = SimulatedPen(clock: clock)
        let loop = ControlLoop(
            devices: pen.makeDevices(depthSensor: AS5600(bus: pen.i2cBus)),
            config: SafetyConfig(calibration: DaemonDefaults.calibration(of: SimulatedPen.calibration)),
            startNs: clock.nowNanoseconds())
        let thread = LoopThread(loop: loop, rateHz: 1000, prefault: false, tickClock: clock)
        _ = try thread.start()
        try await Task.sleep(for: .milliseconds(200))
        thread.stop()
        let ticks = loop.metrics.snapshot().ticks
        #expect(ticks > 10)
        #expect(clock.nowNanoseconds() == 1_000_000_000 + ticks * 1_000_000)
        // Progress for the watchdog feeder stays in real time (the host's clock, not the pen's).
        let progress = loop.metrics.lastTickNs.load(ordering: .acquiring)
        let realNow = SystemMonotonicClock().nowNanoseconds()
        #expect(progress <= realNow && realNow - progress < 1_000_000_000)
    }
}
