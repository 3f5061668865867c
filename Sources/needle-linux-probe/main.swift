// needle-linux-probe: proves NeedleLinux's backends against real kernel devices inside the
// VM rig (gpio-sim lines named as on the pen, i2c-stub as the AS5600). Run by
// hardware/vm-rig/run-probe; exits 0 only when every check passed.
import Glibc
import NeedleLinux

let probe = Probe()
let clock = LinuxMonotonicClock()
let started = clock.nowNanoseconds()
emit("INFO libgpiod API v\(GPIOShimInfo.apiVersion)")

checkOutputs(probe)
checkInputs(probe, clock: clock)
checkI2C(probe, clock: clock)
checkPWM(probe)
checkAllocationFree(probe)

emit("INFO probe ran \((clock.nowNanoseconds() - started) / 1_000_000) ms")
emit("PROBE: \(probe.passed) passed, \(probe.failed) failed")
exit(probe.failed == 0 && probe.passed > 0 ? 0 : 1)
