import Foundation
import Logging
import NeedleConfig
import NeedleCore
import NeedleHAL
import NeedleSim
import Testing

@testable import NeedleDaemon

/// Issue 9, the Linux backend's share: the kernel's released-output behaviour (item 2),
/// the trigger's kernel debounce (item 5), fail-safe wiring (item 10), a timed-out I2C
/// transfer in the loop (item 11) and the control-rate floor (item 12).
@Suite("Linux backend safety checks")
struct LinuxBackendSafetyTests {
    /// A fake /sys/module holding one parameter.
    func sysModule(_ module: String, _ parameter: String, _ value: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        let folder = dir.path + "/\(module)/parameters"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try value.write(toFile: folder + "/" + parameter, atomically: false, encoding: .utf8)
        return dir
    }

    @Test("a Pi kernel keeping released outputs fails start-up, saying what to add to config.txt",
          arguments: ["pinctrl_bcm2835", "pinctrl_rp1"])
    func persistingKernelRefused(module: String) throws {
        let dir = try sysModule(module, "persist_gpio_outputs", "Y\n")
        defer { try? FileManager.default.removeItem(atPath: dir.path) }
        do {
            try LinuxPenBuilder.checkReleasedOutputs(chipLabel: "pinctrl-bcm2711", sysModule: dir.path)
            Issue.record("a kernel with persist_gpio_outputs = Y was accepted")
        } catch {
            let text = error.description
            #expect(text.contains("refusing to drive the motor"), "\(text)")
            #expect(text.contains("\(module)/parameters/persist_gpio_outputs = Y"), "\(text)")
            #expect(text.contains("dtparam=strict_gpiod"), "\(text)")
            #expect(text.contains("config.txt"), "\(text)")
        }
    }

    @Test("a kernel letting released outputs go (N, or no Pi driver at all) is accepted",
          arguments: ["pinctrl_bcm2835", "pinctrl_rp1"])
    func revertingKernelAccepted(module: String) throws {
        let dir = try sysModule(module, "persist_gpio_outputs", "N\n")
        defer { try? FileManager.default.removeItem(atPath: dir.path) }
        try LinuxPenBuilder.checkReleasedOutputs(chipLabel: "pinctrl-bcm2711", sysModule: dir.path)
        try LinuxPenBuilder.checkReleasedOutputs(chipLabel: "gpio-sim.0-node0", sysModule: dir.path + "/none")
    }

    @Test("a config inverting a safety line is refused before any device is opened")
    func unsafeWiringRefusedBeforeDevices() throws {
        let state = try TemporaryDirectory()
        defer { state.remove() }
        var hardware = HardwareSection()
        hardware.backend = .linux
        hardware.gpio.chip = "/nonexistent/gpiochip9"
        hardware.gpio.lines[.estop]?.activeLow = true
        let options = DaemonOptions(
            simulate: false, socketPath: "/tmp/needled-wiring-test.sock", hardware: hardware,
            stateDirectory: state.statePath)
        do {
            _ = try Daemon(options: options, logger: Logger(label: "test"))
            Issue.record("the daemon started with an inverted e-stop")
        } catch {
            #expect(error.description.contains("hardware.gpio.estop.active_low"), "\(error)")
            #expect(!error.description.contains("gpiochip9"), "refused before the chip was looked for: \(error)")
        }
    }

    @Test("the trigger's kernel debounce is 10 ms by default, in µs for the request; out of range is refused")
    func triggerDebounceRequest() throws {
        var hardware = HardwareSection()
        #expect(try hardware.triggerDebounceUs() == 10_000)
        hardware.gpio.lines[.trigger]?.debounceMs = 0
        #expect(try hardware.triggerDebounceUs() == 0)
        hardware.gpio.lines[.trigger]?.debounceMs = 21
        #expect(throws: DaemonError.self) { _ = try hardware.triggerDebounceUs() }
    }

    @Test("the rate floor's constants are the core's sensor timeout and the simulated monostable's period")
    func rateConstantsMatchTheirSources() {
        #expect(ControlRate.sensorTimeoutNs == SafetyConfig.uncalibrated().sensorTimeoutNs)
        #expect(ControlRate.heartbeatPulseNs == SimParameters().watchdogTimeoutNs)
    }

    @Test("a rate below the floor is refused at start-up naming both reasons; the floor itself is accepted")
    func rateFloor() throws {
        let refusal = try #require(DaemonOptions.rateRefusal(399))
        #expect(refusal.contains("400...8000"))
        #expect(refusal.contains("sensor timeout"))
        #expect(refusal.contains("monostable pulse"))
        #expect(DaemonOptions.rateRefusal(100) != nil)
        #expect(DaemonOptions.rateRefusal(400) == nil)
        #expect(DaemonOptions.rateRefusal(8000) == nil)
        #expect(DaemonOptions.rateRefusal(8001)?.contains("AS5600") == true)
        let state = try TemporaryDirectory()
        defer { state.remove() }
        do {
            _ = try Daemon(
                options: DaemonOptions(simulate: true, socketPath: "/tmp/needled-rate.sock", rateHz: 399,
                                       stateDirectory: state.statePath),
                logger: Logger(label: "t"))
            Issue.record("399 Hz accepted")
        } catch {
            #expect(error.description.contains("sensor timeout") && error.description.contains("monostable"), "\(error)")
        }
    }
}
