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

    /// Opens a file that is not an adapter, with the adapter settings and the functionality
    /// check (which it would refuse at open: I2CAdapterSettingsTests) skipped, to reach the
    /// per-transfer paths.
    static func openSkippingSettings(_ path: String, device: StaticString = "i2c") throws -> LinuxI2CBus {
        try LinuxI2CBus(path: path, device: device, control: { _, _, _ in 0 }, functions: I2CAdapterSettingsTests.everything)
    }

    /// The block read is the tick's AS5600 read: it must fail as a HAL error, not a value.
    @Test(
        "a file that is not an adapter fails the address ioctl with a HAL error (byte read, the tick's block read)",
        arguments: [SMBusOperation.readByteData(register: 0x0B), .readI2CBlockData(register: 0x0B, count: 3)])
    func notAnAdapter(operation: SMBusOperation) throws {
        let dir = try TempDirectory()
        try dir.write("", to: "not-i2c")
        let bus = try Self.openSkippingSettings(dir.path + "/not-i2c", device: "depth-i2c")
        #expect(throws: HALError(.other, device: "depth-i2c", errno: ENOTTY)) {
            _ = try bus.perform(operation, address: 0x36)
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

    @Test("block lengths outside 1...4 are refused before any syscall", arguments: [UInt8(0), 5, 32])
    func blockLength(count: UInt8) throws {
        let bus = try Self.openSkippingSettings("/dev/null")
        #expect(throws: HALError(.invalidArgument, device: "i2c", errno: EINVAL)) {
            _ = try bus.readBlock(address: 0x36, register: 0x0B, count: count)
        }
        #expect(throws: HALError(.invalidArgument, device: "i2c", errno: EINVAL)) {
            _ = try bus.perform(.writeI2CBlockData(register: 0x0B, count: count, bytes: 0), address: 0x36)
        }
    }

    @Test("a short block read is a bus error (EPROTO), never a partial value")
    func shortBlockRead() {
        #expect(LinuxI2CBus.blockError(transferred: 2, count: 3, device: "depth-i2c")
            == HALError(.bus, device: "depth-i2c", errno: EPROTO))
        #expect(LinuxI2CBus.blockError(transferred: 0, count: 3, device: "depth-i2c")
            == HALError(.bus, device: "depth-i2c", errno: EPROTO))
        #expect(LinuxI2CBus.blockError(transferred: 4, count: 3, device: "depth-i2c")
            == HALError(.bus, device: "depth-i2c", errno: EPROTO))
        #expect(LinuxI2CBus.blockError(transferred: -ENXIO, count: 3, device: "depth-i2c")
            == HALError(.noAcknowledge, device: "depth-i2c", errno: ENXIO))
        #expect(LinuxI2CBus.blockError(transferred: 3, count: 3, device: "depth-i2c") == nil)
    }

    @Test("a whole block is packed with the byte read first in the low byte")
    func blockPacking() {
        let bytes: [UInt8] = [0x20, 0x0A, 0xBC, 0x77, 0x99]
        #expect(SMBusBlock.pack(count: 3) { bytes[Int($0)] } == 0xBC_0A_20)
        #expect(SMBusBlock.pack(count: 4) { bytes[Int($0)] } == 0x77_BC_0A_20)
        #expect(SMBusBlock.pack(count: 1) { bytes[Int($0)] } == 0x20)
        #expect(SMBusBlock.pack(bytes) == 0x77_BC_0A_20)
        #expect((0..<4).map { SMBusBlock.byte(0x77_BC_0A_20, at: $0) } == [0x20, 0x0A, 0xBC, 0x77])
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
