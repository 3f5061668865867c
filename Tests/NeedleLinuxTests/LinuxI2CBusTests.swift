import Glibc
import NeedleHAL
import Testing

@testable import NeedleLinux

@Suite("LinuxI2CBus error paths (no I2C hardware on this machine)")
struct LinuxI2CBusTests {
    @Test("a missing adapter is a clear error naming it")
    func missingAdapter() {
        let error = #expect(throws: LinuxBackendError.self) { _ = try LinuxI2CBus(bus: 99) }
        #expect(error == .i2cBusOpenFailed(path: "/dev/i2c-99", errno: ENOENT))
        #expect(error?.description == "I2C bus /dev/i2c-99 could not be opened: No such file or directory (errno 2)")
    }

    /// Opens a file that is not an adapter, with the adapter settings (which it would
    /// refuse at open: I2CAdapterSettingsTests) skipped, to reach the per-transfer paths.
    static func openSkippingSettings(_ path: String, device: StaticString = "i2c") throws -> LinuxI2CBus {
        try LinuxI2CBus(path: path, device: device) { _, _, _ in 0 }
    }

    @Test("a file that is not an adapter fails the address ioctl with a HAL error")
    func notAnAdapter() throws {
        let dir = try TempDirectory()
        try dir.write("", to: "not-i2c")
        let bus = try Self.openSkippingSettings(dir.path + "/not-i2c", device: "depth-i2c")
        #expect(throws: HALError(.other, device: "depth-i2c", errno: ENOTTY)) {
            _ = try bus.readByte(address: 0x36, register: 0x0B)
        }
    }

    @Test("addresses above 0x77 are refused before any syscall")
    func reservedAddress() throws {
        let dir = try TempDirectory()
        try dir.write("", to: "not-i2c")
        let bus = try Self.openSkippingSettings(dir.path + "/not-i2c")
        #expect(throws: HALError(.invalidArgument, device: "i2c", errno: EINVAL)) {
            _ = try bus.perform(.readWordData(register: 0x0C), address: 0x78)
        }
    }

    @Test("a closed bus reports unavailable")
    func closed() throws {
        let bus = try Self.openSkippingSettings("/dev/null")
        bus.close()
        #expect(throws: HALError(.unavailable, device: "i2c", errno: EBADF)) {
            _ = try bus.perform(.readByteData(register: 0), address: 0x36)
        }
    }
}
