#if canImport(Glibc)
import Glibc
#endif
import NeedleCore
import NeedleDaemon
import NeedleDrivers
import NeedleHAL
import NeedleSim

/// needle-bench: measures the control loop on the simulated pen in real time and prints,
/// as its last line, one JSON object: the first over-depth trip's latency after start-up
/// (apart: it is the one page faults would delay), the steady-state trip latency, heap allocations per tick,
/// wake-up jitter, the daemon's start-up time and resident and locked memory, and the sizes
/// of the static needled and the .deb when they are built. A benchmark, not a test: it
/// reports numbers and exits 0; the README holds what it measured. `--count-ticks N` runs
/// ticks for valgrind instead (TickCount).
@main
struct Bench {
    static func main() {
        let options = Options(CommandLine.arguments)
        if let ticks = options.countTicks { TickCount.run(ticks: ticks, rateHz: options.rateHz) }
        if let sessions = options.records {
            exit(RecordsBench.run(sessions: sessions, readers: options.readers, seconds: options.seconds, options: options))
        }
        preloadInterposerOrExit()
        guard AllocationCounter.selfTest() else {
            print("needle-bench: the allocation counter does not see this thread's allocations")
            exit(1)
        }

        let clock = SystemMonotonicClock()
        let (pen, loop) = makePen(clock: clock)
        let thread = LoopThread(loop: loop, rateHz: options.rateHz, prefault: options.prefault, holdCPULatency: options.holdCPULatency)
        let grant: RealtimeGrant
        do { grant = try thread.start() } catch {
            print("needle-bench: \(error)")
            exit(1)
        }
        let driver = Driver(loop: loop, pen: pen, clock: clock)

        // 0. The first trip after start-up, on its own: the one that page faults would delay.
        loop.metrics.reset()
        let firstTripped = driver.overDepthCycle(0)
        let firstTrip = loop.metrics.snapshot().tripLatenciesNs.first.map { Double($0) / 1000 }

        // 1. Jitter and allocations over a running treatment (on a fresh cartridge: the
        // first trip's is used).
        guard driver.clearAtDepth(0.5), driver.seatNewCartridge(options.trips + 1), driver.startTreatment(depth: 0.5, speed: 10) else {
            print("needle-bench: could not start a treatment on the simulated pen: \(loop.status())")
            thread.stop()
            exit(1)
        }
        loop.metrics.reset()
        if let handle = thread.threadHandle { AllocationCounter.start(watching: handle) }
        sleepSeconds(options.seconds)
        let allocations = AllocationCounter.stop()
        let steady = loop.metrics.snapshot()
        let runningAtEnd = loop.status().state == .running
        _ = loop.command(.stop, nowNs: clock.nowNanoseconds())

        // 2. Over-depth trips.
        loop.metrics.reset()
        var failedCycles = 0
        for cycle in 1...options.trips where !driver.overDepthCycle(cycle) { failedCycles += 1 }
        let trips = loop.metrics.snapshot().tripLatenciesNs.map { Double($0) / 1000 }
        let stackUsed = thread.stackHighWaterBytes
        thread.stop()

        let daemon = DaemonProbe.measure(executableDirectory: options.executableDirectory)
        let footprint = Footprint.measure(
            executableDirectory: options.executableDirectory, staticNeedled: options.staticNeedled)
        let tickAllocations = steady.ticks > 0 ? Double(allocations) / Double(steady.ticks) : -1
        print("rate \(options.rateHz) Hz, SCHED_FIFO \(grant.fifoPriority.map { "granted (priority \($0))" } ?? "refused (error \(grant.fifoErrno))"), mlockall \(grant.memoryLocked ? "ok" : "refused (errno \(grant.mlockErrno))"), /dev/cpu_dma_latency \(grant.cpuLatencyHeld ? "held at 0 µs" : "not held (errno \(grant.cpuLatencyErrno))")")
        print("steady: \(steady.ticks) ticks in \(options.seconds) s, \(steady.overruns) overruns, treatment still running: \(runningAtEnd), max tick cost \(steady.maxTickCostNs / 1000) µs")
        print("allocations on the loop thread: \(allocations) over \(steady.ticks) ticks")
        print("loop thread: \(grant.stackPrefaulted ? "own stack, written through before the first tick" : "default stack, not pre-faulted"), trip path \(grant.tripPathExercised ? "exercised at start-up" : "not exercised")\(stackUsed.map { ", stack high-water \($0 / 1024) KiB" } ?? "")")
        print("first trip after start-up: \(firstTrip.map { "\(round1($0)) µs" } ?? "not measured")\(firstTripped ? "" : " (its cycle failed)")")
        print("steady-state trips: \(trips.count) measured, \(failedCycles) cycles failed")
        print("needled --simulate: \(daemon == nil ? "not found next to the bench" : "exec to READY=1 \(show(daemon?.startupMs, "ms")), VmRSS \(show(daemon?.rssMiB, "MiB")), VmLck \(show(daemon?.lockedMiB, "MiB")) 2 s later")")
        print("static needled: \(footprint.staticNeedled.map { "\($0), stripped \(showBytes(footprint.strippedBytes))" } ?? "none built (scripts/package-deb or hardware/vm-rig/run builds one)")")
        print(".deb: \(footprint.deb.map { "\($0), \(showBytes(footprint.debBytes))" } ?? "none built (scripts/package-deb)")")
        let json = """
            {"rate_hz":\(options.rateHz),"sched_fifo":\(grant.fifoPriority != nil),"mlockall":\(grant.memoryLocked),"cpu_latency_held":\(grant.cpuLatencyHeld),\
            "duration_s":\(options.seconds),"ticks":\(steady.ticks),"overruns":\(steady.overruns),\
            "prefault":\(grant.stackPrefaulted && grant.tripPathExercised),\
            "first_trip_us":\(firstTrip.map { String(round1($0)) } ?? "null"),\
            "trip_latency_us":{"events":\(trips.count),"p50":\(round1(percentile(trips, 0.5))),"p99":\(round1(percentile(trips, 0.99))),"max":\(round1(trips.max() ?? 0))},\
            "tick_allocations":\(tickAllocations),\
            "jitter_us":{"p50":\(steady.jitterPercentileUs(0.5)),"p99":\(steady.jitterPercentileUs(0.99)),"p999":\(steady.jitterPercentileUs(0.999)),"max":\(round1(Double(steady.maxJitterNs) / 1000))},\
            "rss_mib":\(number(daemon?.rssMiB)),"locked_mib":\(number(daemon?.lockedMiB)),"startup_ms":\(number(daemon?.startupMs)),\
            "size":{"needled_static_stripped_bytes":\(footprint.strippedBytes.map(String.init) ?? "null"),\
            "deb_bytes":\(footprint.debBytes.map(String.init) ?? "null")}}
            """
        print(json)
    }

    /// The simulated pen and a loop over it, as the daemon builds them for `--simulate`.
    static func makePen(clock: any MonotonicClock) -> (SimulatedPen, ControlLoop) {
        var parameters = SimParameters()
        // Fast collar moves (still within the supervisor's plausible 50 mm/s) so that a
        // thousand over-depth cycles fit in seconds.
        parameters.collarSpeedMMPerS = 40
        let pen = SimulatedPen(clock: clock, parameters: parameters)
        let devices = pen.makeDevices(depthSensor: AS5600(bus: pen.i2cBus))
        var config = SafetyConfig(calibration: DaemonDefaults.calibration(of: SimulatedPen.calibration))
        config.cartridgeIdentityRequired = true
        // The cartridge reader runs as in the daemon, so its transfers count in the tick.
        let loop = ControlLoop(
            devices: devices, config: config, startNs: clock.nowNanoseconds(),
            cartridge: CartridgeEEPROM(bus: pen.i2cBus))
        loop.forceSafe()
        return (pen, loop)
    }

    static func number(_ value: Double?) -> String { value.map { String(round1($0)) } ?? "null" }

    static func show(_ value: Double?, _ unit: String) -> String { value.map { "\(round1($0)) \(unit)" } ?? "not measured" }

    /// Sizes in exact bytes and decimal MB: issue 10's budgets (20 MB, 8 MB) are 10⁶-byte MB.
    static func showBytes(_ bytes: Int?) -> String {
        bytes.map { "\($0) bytes (\(Double(($0 + 5_000) / 10_000) / 100) MB)" } ?? "not measured"
    }

    /// malloc-interposer counts only when preloaded; re-execute once with LD_PRELOAD set.
    static func preloadInterposerOrExit() {
        if AllocationCounter.isInterposed { return }
        if getenv("NEEDLE_BENCH_PRELOADED") != nil {
            print("needle-bench: malloc-interposer is not active even with LD_PRELOAD")
            exit(1)
        }
        let directory = Options(CommandLine.arguments).executableDirectory
        let library = directory + "/libMallocInterposerSwift.so"
        guard access(library, R_OK) == 0 else {
            print("needle-bench: \(library) not found; build with `swift build -c release`")
            exit(1)
        }
        setenv("LD_PRELOAD", library, 1)
        setenv("NEEDLE_BENCH_PRELOADED", "1", 1)
        var argv = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", argv)
        print("needle-bench: could not re-execute itself (errno \(errno))")
        exit(1)
    }
}

func sleepSeconds(_ seconds: Double) {
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 { request = remaining }
}
