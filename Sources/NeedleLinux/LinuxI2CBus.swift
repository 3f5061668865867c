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
    /// transfer timeout, no retries); a bus that refuses them is not opened. `device` names
    /// the bus in HALErrors. `control` issues the settings' ioctls; tests record them.
    public init(
        path: String, device: StaticString = "i2c",
        control: (_ fd: Int32, _ request: UInt, _ value: UInt) -> Int32 = LinuxI2CBus.ioctlControl
    ) throws(LinuxBackendError) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw .i2cBusOpenFailed(path: path, errno: errno) }
        for setting in Self.adapterSettings where control(fd, setting.request, setting.value) < 0 {
            let e = errno
            _ = Glibc.close(fd)
            throw .i2cBusSetupFailed(path: path, setting: setting.name, value: setting.value, errno: e)
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

    deinit { close() }

    public func perform(_ operation: SMBusOperation, address: UInt8) throws(HALError) -> UInt16 {
        // 7-bit addresses only; 0x78... are reserved (10-bit prefix), so refuse before a syscall.
        guard address <= 0x77 else { throw HALError(.invalidArgument, device: device, errno: EINVAL) }
        let device = self.device
        return try state.withLock { (s) throws(HALError) -> UInt16 in
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
            }
            if rc < 0 { throw .linux(errno: -rc, device: device) }
            switch operation {
            case .readByteData, .readWordData: return UInt16(truncatingIfNeeded: rc)
            case .writeByteData, .writeWordData: return 0
            }
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
