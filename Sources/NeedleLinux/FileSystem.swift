#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Small setup-time file helpers over libc (no Foundation: the VM rig's static binaries
/// stay small without it). Not for per-tick use: they allocate.
public enum FileSystem {
    /// Entry names of a directory (without "." and ".."), or nil when it cannot be read.
    static func entries(of path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The content of a small file (a sysfs attribute: at most a page), or the errno of the
    /// failure. Bounded so that a wrongly pointed path (/dev/zero) cannot exhaust memory.
    public static func read(_ path: String, limit: Int = 4096) -> Result<String, FileError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileError(errno: errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileError(errno: errno))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count >= limit { break }
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// Writes `text` to a (sysfs) file in one write, as `echo text > path` would.
    static func write(_ text: String, to path: String) -> Result<Void, FileError> {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileError(errno: errno)) }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n < 0 { return .failure(FileError(errno: errno)) }
        if n != bytes.count { return .failure(FileError(errno: EIO)) }
        return .success(())
    }
}

public struct FileError: Error {
    public var errno: Int32
}
