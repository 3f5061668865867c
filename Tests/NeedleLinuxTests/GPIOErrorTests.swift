import Glibc
import NeedleHAL
import Testing

@testable import NeedleLinux

@Suite("GPIO setup errors (no GPIO chips on this machine; the VM rig covers real lines)")
struct GPIOErrorTests {
    @Test("a missing chip path is an error naming it")
    func missingChipPath() {
        let error = #expect(throws: LinuxBackendError.self) { _ = try GPIOChip(path: "/dev/gpiochip-missing") }
        #expect(error == .gpioChipNotFound("/dev/gpiochip-missing"))
        #expect(error?.description.contains("/dev/gpiochip-missing") == true)
    }

    @Test("a chip asked for by name or label that nobody has is an error naming it")
    func missingLabel() throws {
        let dev = try TempDirectory()
        #expect(throws: LinuxBackendError.gpioChipNotFound("pinctrl-bcm2711")) {
            _ = try GPIOChip.open("pinctrl-bcm2711", devDirectory: dev.path)
        }
        #expect(throws: LinuxBackendError.gpioChipNotFound("gpiochip7")) {
            _ = try GPIOChip.open("gpiochip7", devDirectory: dev.path)
        }
    }

    @Test("a file that is not a GPIO chip is refused")
    func notAChip() throws {
        let dev = try TempDirectory()
        try dev.write("", to: "gpiochip0")
        let error = #expect(throws: LinuxBackendError.self) { _ = try GPIOChip(path: dev.path + "/gpiochip0") }
        guard case .gpioChipOpenFailed(let path, let e) = error else {
            Issue.record("expected gpioChipOpenFailed, got \(String(describing: error))")
            return
        }
        #expect(path == dev.path + "/gpiochip0")
        #expect(e != 0)
    }

    @Test("a line name no chip has is an error naming the line and the chips searched")
    func missingLineName() throws {
        let dev = try TempDirectory()
        try dev.write("", to: "gpiochip0")  // unopenable: skipped, as a broken chip would be
        let error = #expect(throws: LinuxBackendError.self) {
            _ = try GPIOOutputLine(named: "MOTOR_EN", device: "motor-enable", devDirectory: dev.path)
        }
        #expect(error == .gpioLineNotFound(name: "MOTOR_EN", searched: []))
        #expect(error?.description == "GPIO line 'MOTOR_EN' not found (no GPIO chips present)")
        #expect(throws: LinuxBackendError.gpioLineNotFound(name: "TACH", searched: [])) {
            _ = try GPIOInputLine(named: "TACH", edges: .both, devDirectory: dev.path)
        }
    }

    @Test("chips are listed in number order, not name order")
    func chipOrder() throws {
        let dev = try TempDirectory()
        for name in ["gpiochip10", "gpiochip2", "gpiochip0", "i2c-1", "gpiomem"] { try dev.write("", to: name) }
        #expect(GPIOChip.chipPaths(devDirectory: dev.path) == ["gpiochip0", "gpiochip2", "gpiochip10"].map { dev.path + "/" + $0 })
    }
}
