import Glibc
import NeedleHAL
import NeedleLinux

/// The VM has no PWM hardware: the sysfs backend runs against a folder shaped like
/// /sys/class/pwm, pre-exported, and the result is read back from it.
func checkPWM(_ probe: Probe) {
    probe.step("pwm") {
        let root = "/tmp/pwm-class"
        mkdirs(root + "/pwmchip0/pwm0")
        writeFile(root + "/pwmchip0/export", "")
        for (file, value) in [("period", "0\n"), ("duty_cycle", "0\n"), ("enable", "0\n"), ("polarity", "normal\n")] {
            writeFile(root + "/pwmchip0/pwm0/" + file, value)
        }
        let pwm = try SysfsPWMChannel(sysfsRoot: root, device: "motor-pwm")
        try pwm.apply(.duty(0.5, periodNs: 50_000))
        let dir = root + "/pwmchip0/pwm0/"
        probe.check("PWM 20 kHz at 50 %", readFirstLine(dir + "period") == "50000" && readFirstLine(dir + "duty_cycle") == "25000"
                    && readFirstLine(dir + "enable") == "1")
        pwm.close()
        probe.check("PWM disabled on close", readFirstLine(dir + "enable") == "0")
    }
}
