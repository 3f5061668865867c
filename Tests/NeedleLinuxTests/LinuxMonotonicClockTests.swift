import Glibc
import Testing

@testable import NeedleLinux

@Suite("LinuxMonotonicClock")
struct LinuxMonotonicClockTests {
    @Test("reads CLOCK_MONOTONIC in nanoseconds and never goes back")
    func monotonic() {
        let clock = LinuxMonotonicClock()
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let reference = UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
        let a = clock.nowNanoseconds()
        usleep(2_000)
        let b = clock.nowNanoseconds()
        #expect(a >= reference && a - reference < 1_000_000_000)
        #expect(b >= a + 2_000_000)
    }
}
