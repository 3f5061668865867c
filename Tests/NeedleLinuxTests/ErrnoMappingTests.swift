import Glibc
import NeedleHAL
import Testing

@testable import NeedleLinux

@Suite("errno to HALError.Kind")
struct ErrnoMappingTests {
    @Test("the i2c-dev table", arguments: [
        (ENXIO, HALError.Kind.noAcknowledge), (EREMOTEIO, .noAcknowledge),
        (ETIMEDOUT, .timeout),
        (EIO, .bus), (EAGAIN, .bus), (EPROTO, .bus),
        (ENOENT, .unavailable), (ENODEV, .unavailable),
        (EINVAL, .other), (EBUSY, .other), (EPERM, .other), (ENOTTY, .other), (0, .other),
    ])
    func table(errno e: Int32, kind: HALError.Kind) {
        #expect(HALError.Kind(linuxErrno: e) == kind)
        #expect(HALError.linux(errno: e, device: "bus") == HALError(kind, device: "bus", errno: e))
    }
}
