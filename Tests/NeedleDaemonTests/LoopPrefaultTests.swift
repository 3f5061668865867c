#if canImport(Glibc)
import Glibc
#endif
import NeedleCore
import NeedleDrivers
import NeedleHAL
import NeedleSim
import Testing
@testable import NeedleDaemon

/// The first trip must not wait on page faults (issue 9 §2 item 8): the loop thread runs
/// on a stack that is resident before its first tick, and the trip path has run once, on a
/// scratch supervisor that writes no output.
@Suite("Control-loop thread pre-faulting", .serialized)
struct LoopPrefaultTests {
    func simLoop() -> (ControlLoop, SimulatedPen) {
        let clock = SystemMonotonicClock()
        let pen = SimulatedPen(clock: clock)
        var config = SafetyConfig(calibration: DaemonDefaults.calibration(of: SimulatedPen.calibration))
        config.cartridgeIdentityRequired = true
        let loop = ControlLoop(
            devices: pen.makeDevices(depthSensor: AS5600(bus: pen.i2cBus)), config: config,
            startNs: clock.nowNanoseconds(), cartridge: CartridgeEEPROM(bus: pen.i2cBus))
        loop.forceSafe()
        return (loop, pen)
    }

    @Test("the loop thread's stack is resident whole before it ticks, and the loop uses a small part of it")
    func stackResident() throws {
        let (loop, _) = simLoop()
        let thread = LoopThread(loop: loop, rateHz: 1000)
        let grant = try thread.start()
        defer { thread.stop() }
        #expect(grant.stackPrefaulted)
        let residency = try #require(thread.stackResidency)
        #expect(residency.resident == residency.total, "\(residency.resident) of \(residency.total) stack pages resident")
        usleep(50_000)
        let used = try #require(thread.stackHighWaterBytes)
        #expect(used > 0 && used < LoopStack.size / 4, "the loop used \(used) bytes of its \(LoopStack.size)-byte stack")
    }

    @Test("the start-up trip exercise trips a scratch supervisor and leaves the pen's outputs and the loop's supervisor alone")
    func tripExerciseWritesNothing() throws {
        let (loop, pen) = simLoop()
        let before = pen.snapshot()
        #expect(TripPathExercise.run(config: loop.configuration, startNs: 1_000_000_000))
        let after = pen.snapshot()
        #expect(!after.motorEnable && !after.pwm.enabled)
        #expect(after.heartbeat == before.heartbeat && after.statusLED == before.statusLED)
        let status = loop.status()
        #expect(status.faults.isEmpty && status.state == .idle && status.plan == nil)
        // On the real thread too: the grant says it tripped, and the loop starts clean.
        let thread = LoopThread(loop: loop, rateHz: 1000)
        let grant = try thread.start()
        defer { thread.stop() }
        #expect(grant.tripPathExercised)
        usleep(20_000)
        #expect(loop.status().faults.isEmpty)
        #expect(!pen.snapshot().motorEnable)
    }

    @Test("the exercise also trips for an uncalibrated pen's configuration (it brings its own calibration)")
    func tripExerciseUncalibrated() {
        var config = SafetyConfig.uncalibrated()
        config.cartridgeIdentityRequired = true
        #expect(TripPathExercise.run(config: config, startNs: 5_000_000_000))
    }

    @Test("without pre-faulting the thread runs on a default stack and exercises nothing")
    func withoutPrefault() throws {
        let (loop, _) = simLoop()
        let thread = LoopThread(loop: loop, rateHz: 1000, prefault: false)
        let grant = try thread.start()
        defer { thread.stop() }
        #expect(!grant.stackPrefaulted && !grant.tripPathExercised)
        #expect(thread.stackResidency == nil)
    }
}

extension LoopPrefaultTests {
    @Test("the exercise's scratch passes a self-test on synthetic samples (for a core that arms only after one)")
    func scratchPassesSelfTest() {
        var config = SafetyConfig(calibration: DaemonDefaults.calibration(of: SimulatedPen.calibration))
        config.cartridgeIdentityRequired = true
        var scratch = TripPathExercise.Scratch(config: config, startNs: 1_000_000_000)
        for _ in 0..<20 { _ = scratch.sample(0.90) }
        let passed = scratch.passSelfTest()
        #expect(passed, "\(scratch.supervisor.status().selfTest)")
        #expect(scratch.supervisor.faults.isEmpty)
    }
}
