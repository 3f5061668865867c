#if canImport(Glibc)
import Glibc
#endif
import NeedleDaemon

/// `needle-bench [--seconds S] [--trips N] [--rate HZ] [--no-prefault] [--no-latency-hold]
/// [--static-needled PATH]`,
/// or `needle-bench --count-ticks N [--rate HZ]` (under valgrind, see TickCount), or
/// `needle-bench --records N [--readers R] [--seconds S]` (RecordsBench).
struct Options {
    var seconds = 10.0
    var trips = 1000
    var rateHz = 1000
    /// `--no-prefault`: the loop thread on a default stack, trip path not exercised at
    /// start-up (to measure what pre-faulting saves on the first trip).
    var prefault = true
    /// `--no-latency-hold`: the loop without /dev/cpu_dma_latency held at 0 µs (to measure
    /// what the hold saves on wake-up jitter).
    var holdCPULatency = true
    var executableDirectory: String
    /// `--count-ticks N`: run N ticks on a virtual clock for callgrind, nothing else.
    var countTicks: Int?
    /// `--static-needled PATH`: the static build whose stripped size is reported (default:
    /// .build-release's, then .build-vm's release needled of this checkout).
    var staticNeedled: String?
    /// `--records N`: the records benchmark instead (RecordsBench): `status` latency while
    /// `--readers R` clients (16 by default) page through the history of N sessions.
    var records: Int?
    var readers = 16

    init(_ arguments: [String]) {
        let exe = RealtimeSetup.executablePath() ?? arguments[0]
        executableDirectory = String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)])
        prefault = !arguments.contains("--no-prefault")
        holdCPULatency = !arguments.contains("--no-latency-hold")
        let arguments = arguments.filter { $0 != "--no-prefault" && $0 != "--no-latency-hold" }
        var index = 1
        while index + 1 < arguments.count {
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--seconds": seconds = Double(value).map { max($0, 1) } ?? seconds
            case "--trips": trips = Int(value).map { max($0, 1) } ?? trips
            case "--count-ticks": countTicks = Int(value).map { max($0, 1) }
            case "--static-needled": staticNeedled = value
            case "--records": records = Int(value).map { max($0, 1) }
            case "--readers": readers = Int(value).map { min(max($0, 0), 64) } ?? readers
            case "--rate": rateHz = Int(value).map { min(max($0, DaemonOptions.rateRange.lowerBound), DaemonOptions.rateRange.upperBound) } ?? rateHz
            default: break
            }
            index += 2
        }
    }
}
