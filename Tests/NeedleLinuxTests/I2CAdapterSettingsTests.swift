import Glibc
import NeedleHAL
import Synchronization
import Testing

@testable import NeedleLinux

/// Item 11 of issue 9: a hung transfer must not block the loop for the adapter's default
/// timeout. What can be shown without an adapter: the ioctls the bus issues when it is
/// opened (through its injectable control seam), that a refusal fails the open, and the
/// errno a timed-out transfer leaves (ErrnoMappingTests: ETIMEDOUT → timeout). That a real
/// adapter honours the timeout is for the VM rig or a board.
@Suite("LinuxI2CBus adapter settings: short timeout, no retries")
struct I2CAdapterSettingsTests {
    /// The (request, value) pairs a bus asked of its adapter.
    final class Recorder: Sendable {
        let calls = Mutex<[(UInt, UInt)]>([])
        var recorded: [(UInt, UInt)] { calls.withLock { $0 } }
    }

    /// An adapter that can do everything (I2C_FUNCS answers all bits).
    static func everything(_ fd: Int32, _ mask: inout UInt) -> Int32 {
        mask = ~0
        return 0
    }

    @Test("opening the bus sets I2C_TIMEOUT to 2 (20 ms) and I2C_RETRIES to 0, in that order")
    func ioctlsRequested() throws {
        let recorder = Recorder()
        let bus = try LinuxI2CBus(
            path: "/dev/null", device: "depth-i2c",
            control: { _, request, value in
                recorder.calls.withLock { $0.append((request, value)) }
                return 0
            }, functions: Self.everything)
        defer { bus.close() }
        let calls = recorder.recorded
        #expect(calls.count == 2)
        #expect(calls.first.map { $0 == (0x0702, 2) } == true, "I2C_TIMEOUT (0x0702) = 2 × 10 ms")
        #expect(calls.last.map { $0 == (0x0701, 0) } == true, "I2C_RETRIES (0x0701) = 0")
    }

    @Test("the timeout is below the heartbeat budget and above one tick of a 100 Hz jiffy clock")
    func timeoutBounds() {
        let ms = LinuxI2CBus.transferTimeoutUnits * 10
        #expect(ms >= 20, "one unit (10 ms) can expire within a healthy transfer when a jiffy tick falls in it")
        #expect(ms <= 20, "longer and a hung transfer outlasts the 20 ms heartbeat budget")
        #expect(LinuxI2CBus.transferRetries == 0)
    }

    @Test("an adapter that refuses the timeout is not opened, and the error says which setting")
    func refusedSettingFailsOpen() {
        let error = #expect(throws: LinuxBackendError.self) {
            _ = try LinuxI2CBus(path: "/dev/null") { _, _, _ in
                errno = ENOTTY
                return -1
            }
        }
        #expect(error == .i2cBusSetupFailed(path: "/dev/null", setting: "I2C_TIMEOUT", value: 2, errno: ENOTTY))
        #expect(error?.description.contains("I2C_TIMEOUT = 2") == true)
    }

    @Test("an adapter without I2C block reads is not opened, and the error says so")
    func lacksBlockRead() {
        let error = #expect(throws: LinuxBackendError.self) {
            _ = try LinuxI2CBus(path: "/dev/null", control: { _, _, _ in 0 }) { _, mask in
                mask = ~UInt(0x0400_0000)  // everything but I2C_FUNC_SMBUS_READ_I2C_BLOCK
                return 0
            }
        }
        #expect(error == .i2cBusLacksFunction(path: "/dev/null", function: "I2C block read (I2C_FUNC_SMBUS_READ_I2C_BLOCK)"))
        #expect(error?.description.contains("cannot do an I2C block read") == true)
    }

    @Test("an adapter with only I2C block reads (and byte/word transfers) is opened")
    func blockReadEnough() throws {
        let bus = try LinuxI2CBus(path: "/dev/null", control: { _, _, _ in 0 }) { _, mask in
            mask = 0x0400_0000
            return 0
        }
        bus.close()
    }

    @Test("an adapter whose I2C_FUNCS fails is not opened")
    func functionsUnreadable() {
        let error = #expect(throws: LinuxBackendError.self) {
            _ = try LinuxI2CBus(path: "/dev/null", control: { _, _, _ in 0 }) { _, _ in
                errno = ENOTTY
                return -1
            }
        }
        #expect(error == .i2cBusFunctionsUnreadable(path: "/dev/null", errno: ENOTTY))
    }

    @Test("the real I2C_FUNCS ioctl on a file that is not an adapter fails the open")
    func realFunctionsOnNonAdapter() {
        let error = #expect(throws: LinuxBackendError.self) {
            _ = try LinuxI2CBus(path: "/dev/null", control: { _, _, _ in 0 })
        }
        #expect(error == .i2cBusFunctionsUnreadable(path: "/dev/null", errno: ENOTTY))
    }

    @Test("a file that is not an adapter fails at open, at the timeout ioctl")
    func realIoctlOnNonAdapter() throws {
        let dir = try TempDirectory()
        try dir.write("", to: "not-i2c")
        let error = #expect(throws: LinuxBackendError.self) { _ = try LinuxI2CBus(path: dir.path + "/not-i2c") }
        #expect(error == .i2cBusSetupFailed(path: dir.path + "/not-i2c", setting: "I2C_TIMEOUT", value: 2, errno: ENOTTY))
    }
}
