#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CI2C
import NeedleHAL
import Synchronization

/// An I2C adapter through i2c-dev (`/dev/i2c-N`), doing SMBus transactions with libi2c.
///
/// The target address is selected with `ioctl(I2C_SLAVE)` only when it changes, so a loop
/// reading one sensor makes one syscall per transfer. The mutex keeps "select address,
/// transfer" atomic if the bus is ever shared between threads.
public final class LinuxI2CBus: I2CBus {
    public let path: String
    private let device: StaticString

    private struct State {
        var fd: Int32
        /// The address last selected with I2C_SLAVE, or -1 before the first transfer.
        var address: Int16
    }
    private let state: Mutex<State>

    /// Opens `path` (e.g. "/dev/i2c-1") and sets the adapter's `adapterSettings` (a short
    /// transfer timeout, no retries); a bus that refuses them, or that cannot do the
    /// `requiredFunctions`, is not opened. `device` names the bus in HALErrors. `control`
    /// issues the settings' ioctls and `functions` reads I2C_FUNCS; tests replace both.
    public init(
        path: String, device: StaticString = "i2c",
        control: (_ fd: Int32, _ request: UInt, _ value: UInt) -> Int32 = LinuxI2CBus.ioctlControl,
        functions: (_ fd: Int32, _ mask: inout UInt) -> Int32 = LinuxI2CBus.ioctlFunctions
    ) throws(LinuxBackendError) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw .i2cBusOpenFailed(path: path, errno: errno) }
        for setting in Self.adapterSettings where control(fd, setting.request, setting.value) < 0 {
            let e = errno
            _ = Glibc.close(fd)
            throw .i2cBusSetupFailed(path: path, setting: setting.name, value: setting.value, errno: e)
        }
        var mask: UInt = 0
        if functions(fd, &mask) < 0 {
            let e = errno
            _ = Glibc.close(fd)
            throw .i2cBusFunctionsUnreadable(path: path, errno: e)
        }
        for required in Self.requiredFunctions where mask & required.bit == 0 {
            _ = Glibc.close(fd)
            throw .i2cBusLacksFunction(path: path, function: required.name)
        }
        self.path = path
        self.device = device
        self.state = Mutex(State(fd: fd, address: -1))
    }

    /// Opens `/dev/i2c-<bus>` (bus 1 is the Raspberry Pi's header I2C).
    public convenience init(bus: Int, device: StaticString = "i2c") throws(LinuxBackendError) {
        try self.init(path: "/dev/i2c-\(bus)", device: device)
    }

    /// One i2c-dev ioctl the bus sets when it is opened.
    public struct AdapterSetting: Sendable, Equatable {
        public let name: String
        public let request: UInt
        public let value: UInt
    }

    /// The transfer timeout, in the ioctl's unit of 10 ms. A hung transfer (a slave holding
    /// SCL low, a lost interrupt) otherwise blocks the control loop for the adapter's
    /// default, typically a second. The kernel turns it into jiffies, and a wait of one
    /// jiffy can end at the next timer tick, however soon that is; 1 (10 ms) could then
    /// time out a healthy 125 µs transfer that a tick happens to straddle (HZ = 100).
    /// 2 (20 ms) waits at least one whole jiffy at any HZ and still bounds a hung transfer
    /// to about the heartbeat budget: the monostable has cut the motor by then, and the
    /// loop counts the timeout (ETIMEDOUT, HAL kind `timeout`) as an invalid sample.
    public static let transferTimeoutUnits: UInt = 2
    /// Retries on lost arbitration: none. A retry repeats the transfer inside the same
    /// tick; a failed sample is already handled by the supervisor, and sooner.
    public static let transferRetries: UInt = 0

    /// What the bus asks of its adapter at open, in this order. Both ioctls set the
    /// adapter's values for every user of that bus (i2c-dev keeps them per adapter).
    public static let adapterSettings: [AdapterSetting] = [
        AdapterSetting(name: "I2C_TIMEOUT", request: UInt(I2C_TIMEOUT), value: transferTimeoutUnits),
        AdapterSetting(name: "I2C_RETRIES", request: UInt(I2C_RETRIES), value: transferRetries),
    ]

    /// The real ioctl.
    public static func ioctlControl(_ fd: Int32, _ request: UInt, _ value: UInt) -> Int32 {
        needle_i2c_control(fd, request, value)
    }

    /// What the adapter must be able to do, checked once at open (I2C_FUNCS): the depth
    /// sensor's read is one I2C block read (AS5600), and an adapter without it would fail
    /// every tick's read — so the bus is refused at start-up, with the reason, instead.
    /// Byte and word transfers are what every SMBus adapter offers and are not checked.
    public static let requiredFunctions: [(name: String, bit: UInt)] = [
        ("I2C block read (I2C_FUNC_SMBUS_READ_I2C_BLOCK)", UInt(I2C_FUNC_SMBUS_READ_I2C_BLOCK))
    ]

    /// The real I2C_FUNCS ioctl.
    public static func ioctlFunctions(_ fd: Int32, _ mask: inout UInt) -> Int32 {
        needle_i2c_functions(fd, &mask)
    }

    /// The HAL error of a block transfer that moved `transferred` bytes (libi2c's return:
    /// the count, or -errno) where `count` were asked for, or nil when it is whole. A
    /// short transfer is EPROTO (a bus error, so the loop counts an invalid sample), never
    /// a value with bytes missing.
    static func blockError(transferred: Int32, count: UInt8, device: StaticString) -> HALError? {
        if transferred < 0 { return .linux(errno: -transferred, device: device) }
        return transferred == Int32(count) ? nil : .linux(errno: EPROTO, device: device)
    }

    deinit { close() }

    public func perform(_ operation: SMBusOperation, address: UInt8) throws(HALError) -> UInt32 {
        // 7-bit addresses only; 0x78... are reserved (10-bit prefix), so refuse before a syscall.
        guard address <= 0x77, operation.hasValidCount else {
            throw HALError(.invalidArgument, device: device, errno: EINVAL)
        }
        let device = self.device
        return try state.withLock { (s) throws(HALError) -> UInt32 in
            guard s.fd >= 0 else { throw HALError(.unavailable, device: device, errno: EBADF) }
            if s.address != Int16(address) {
                if needle_i2c_set_address(s.fd, address) < 0 { throw .linux(errno: errno, device: device) }
                s.address = Int16(address)
            }
            // libi2c returns the value read (>= 0) or -errno.
            let rc: Int32
            switch operation {
            case .readByteData(let register):
                rc = i2c_smbus_read_byte_data(s.fd, register)
            case .writeByteData(let register, let value):
                rc = i2c_smbus_write_byte_data(s.fd, register, value)
            case .readWordData(let register):
                rc = i2c_smbus_read_word_data(s.fd, register)
            case .writeWordData(let register, let value):
                rc = i2c_smbus_write_word_data(s.fd, register, value)
            case .readI2CBlockData(let register, let count):
                return try Self.readBlock(fd: s.fd, register: register, count: count, device: device)
            case .writeI2CBlockData(let register, let count, let bytes):
                var value = bytes.littleEndian
                rc = withUnsafeBytes(of: &value) { raw in
                    i2c_smbus_write_i2c_block_data(s.fd, register, count, raw.bindMemory(to: UInt8.self).baseAddress)
                }
            }
            if rc < 0 { throw .linux(errno: -rc, device: device) }
            switch operation {
            case .readByteData, .readWordData: return UInt32(truncatingIfNeeded: rc)
            case .writeByteData, .writeWordData, .readI2CBlockData, .writeI2CBlockData: return 0
            }
        }
    }

    /// One I2C block read into a stack buffer. The buffer is the SMBus maximum (32 bytes),
    /// not `count`: libi2c copies as many bytes as the kernel says it read, so a smaller
    /// buffer would trust the adapter not to overrun it.
    private static func readBlock(fd: Int32, register: UInt8, count: UInt8, device: StaticString) throws(HALError) -> UInt32 {
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return try withUnsafeMutableBytes(of: &buffer) { (raw) throws(HALError) -> UInt32 in
            let transferred = i2c_smbus_read_i2c_block_data(fd, register, count, raw.bindMemory(to: UInt8.self).baseAddress)
            if let error = blockError(transferred: transferred, count: count, device: device) { throw error }
            return SMBusBlock.pack(count: count) { raw[Int($0)] }
        }
    }

    /// Closes the adapter; later transfers fail with `.unavailable`.
    public func close() {
        state.withLock { s in
            if s.fd >= 0 { _ = Glibc.close(s.fd) }
            s.fd = -1
            s.address = -1
        }
    }
}
