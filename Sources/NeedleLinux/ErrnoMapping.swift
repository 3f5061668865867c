#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NeedleHAL

extension HALError.Kind {
    /// The HAL kind of a failed Linux device call. The control loop acts on the kind (a NACK
    /// is one invalid sample; a missing device is a fault), so the table follows what the
    /// i2c-dev and gpio-cdev drivers mean by each errno:
    /// ENXIO/EREMOTEIO — address not acknowledged; ETIMEDOUT — clock stretched too long or
    /// arbitration timeout; EIO/EAGAIN/EPROTO — bus-level trouble (lost arbitration,
    /// garbage); ENOENT/ENODEV — the device went away; anything else — other.
    public init(linuxErrno e: Int32) {
        switch e {
        case ENXIO, EREMOTEIO: self = .noAcknowledge
        case ETIMEDOUT: self = .timeout
        case EIO, EAGAIN, EPROTO: self = .bus
        case ENOENT, ENODEV: self = .unavailable
        default: self = .other
        }
    }
}

extension HALError {
    /// A HAL error for a failed call on `device` that left `errno` behind. Allocation-free.
    @inlinable
    public static func linux(errno e: Int32, device: StaticString) -> HALError {
        HALError(Kind(linuxErrno: e), device: device, errno: e)
    }
}
