import Logging
import NeedleConfig
import NeedleDaemon
import Testing

@Suite("Hardware backend selection")
struct HardwareBackendTests {
    @Test("--simulate overrides [hardware] backend; otherwise the section's backend is used")
    func backendChoice() {
        var hardware = HardwareSection()
        hardware.backend = .linux
        #expect(DaemonOptions(simulate: true, hardware: hardware).hardware.backend == .simulated)
        #expect(DaemonOptions(simulate: false, hardware: hardware).hardware.backend == .linux)
        #expect(DaemonOptions(simulate: false).hardware.backend == .simulated)
    }

    @Test("the Linux backend with a missing GPIO chip fails start-up with an error naming it")
    func missingChipIsNamed() throws {
        let state = try TemporaryDirectory()
        defer { state.remove() }
        var hardware = HardwareSection()
        hardware.backend = .linux
        hardware.gpio.chip = "/nonexistent/gpiochip9"
        let options = DaemonOptions(
            simulate: false, socketPath: "/tmp/needled-hw-test.sock", hardware: hardware, stateDirectory: state.statePath)
        do {
            _ = try Daemon(options: options, logger: Logger(label: "test"))
            Issue.record("the daemon started without its GPIO chip")
        } catch {
            guard case .hardware(let device, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(device.contains("/nonexistent/gpiochip9"))
            #expect(error.description.contains("hardware.gpio.chip"))
        }
    }

    @Test("an offset without a chip, and a PWM frequency out of range, are refused by name")
    func badSectionsAreNamed() throws {
        let state = try TemporaryDirectory()
        defer { state.remove() }
        var hardware = HardwareSection()
        hardware.backend = .linux
        hardware.pwm.frequencyHz = 10
        let options = DaemonOptions(
            simulate: false, socketPath: "/tmp/needled-hw-test2.sock", hardware: hardware, stateDirectory: state.statePath)
        do {
            _ = try Daemon(options: options, logger: Logger(label: "test"))
            Issue.record("the daemon started with a 10 Hz PWM")
        } catch {
            #expect(error.description.contains("hardware.pwm.frequency_hz"))
        }
        hardware.pwm.frequencyHz = 20_000
        hardware.gpio.lines[.motorEnable] = LineSpec(offset: 24)
        do {
            let options = DaemonOptions(
                simulate: false, socketPath: "/tmp/needled-hw-test3.sock", hardware: hardware,
                stateDirectory: state.statePath)
            _ = try Daemon(options: options, logger: Logger(label: "test"))
            Issue.record("the daemon started with an offset on no chip")
        } catch {
            #expect(error.description.contains("hardware.gpio.motor_enable"))
        }
    }
}
