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

    /// Opens `path` (e.g. "/dev/i2c-1"). `device` names the bus in HALErrors.
    public init(path: String, device: StaticString = "i2c") throws(LinuxBackendError) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw .i2cBusOpenFailed(path: path, errno: errno) }
        self.path = path
        self.device = device
        self.state = Mutex(State(fd: fd, address: -1))
    }

    /// Opens `/dev/i2c-<bus>` (bus 1 is the Raspberry Pi's header I2C).
    public convenience init(bus: Int, device: StaticString = "i2c") throws(LinuxBackendError) {
        try self.init(path: "/dev/i2c-\(bus)", device: device)
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
