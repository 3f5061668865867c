#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A sysfs attribute file kept open for writing, written without allocating: the number is
/// formatted into a stack buffer and sent with one pwrite at offset 0 (a sysfs attribute
/// takes each write whole, from the start).
struct SysfsAttribute {
    let fd: Int32

    /// Opens `path` for writing, or returns the errno.
    static func open(_ path: String) -> Result<SysfsAttribute, FileError> {
        let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileError(errno: errno)) }
        return .success(SysfsAttribute(fd: fd))
    }

    /// Writes `value` as decimal plus newline (as `echo` does). Returns 0 or the errno.
    func write(_ value: UInt64) -> Int32 {
        // 20 digits for UInt64.max plus the newline.
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw -> Int32 in
            var end = raw.count
            end -= 1
            raw[end] = UInt8(ascii: "\n")
            var v = value
            repeat {
                end -= 1
                raw[end] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            } while v > 0
            let length = raw.count - end
            let n = pwrite(fd, raw.baseAddress.map { $0 + end }, length, 0)
            if n < 0 { return errno }
            return n == length ? 0 : EIO
        }
    }

    func close() {
        _ = Glibc.close(fd)
    }
}
