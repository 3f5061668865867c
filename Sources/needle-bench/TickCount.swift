#if canImport(Glibc)
import Glibc
#endif
import NeedleDaemon
import NeedleSim

/// `needle-bench --count-ticks N`: N control ticks of a running treatment (speed 10, depth
/// 0.5 mm, cartridge reader on) on the simulated pen, on a virtual clock advanced one
/// period per tick and without the loop thread, so the work is the same on every run
/// whatever the machine is doing. Meant for callgrind, which counts instructions:
///
///     valgrind --tool=callgrind --toggle-collect='*countedTicks*' needle-bench --count-ticks 20000
///
/// collects only inside `countedTicks`: the N ticks and the virtual clock's N advances (a
/// few instructions each), not the start-up or the arming before them. The simulated pen's
/// physics runs inside the device reads, so it counts in the tick, as it does in the bench.
enum TickCount {
    static func run(ticks: Int, rateHz: Int) -> Never {
        let clock = VirtualClock(nanoseconds: 1_000_000_000)
        let (pen, loop) = Bench.makePen(clock: clock)
        let periodNs = UInt64(1_000_000_000 / rateHz)
        let step = {
            clock.advance(nanoseconds: periodNs)
            loop.tick(nowNs: clock.nowNanoseconds())
        }
        let driver = Driver(loop: loop, pen: pen, clock: clock, pause: step)
        guard driver.clearAtDepth(0.5), driver.seatNewCartridge(1), driver.startTreatment(depth: 0.5, speed: 10) else {
            print("needle-bench: could not start a treatment on the virtual clock: \(loop.status())")
            exit(1)
        }
        countedTicks(ticks, step)
        let running = loop.status().state == .running
        print("{\"counted_ticks\":\(ticks),\"rate_hz\":\(rateHz),\"running_at_end\":\(running)}")
        exit(running ? 0 : 1)
    }

    /// The ticks callgrind counts (`--toggle-collect='*countedTicks*'`).
    @inline(never)
    static func countedTicks(_ count: Int, _ step: () -> Void) {
        for _ in 0..<count { step() }
    }
}
