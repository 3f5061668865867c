#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system chores around the listening socket's path: parent directory, stale-socket
/// detection, permissions, and removing exactly the file this server created.
enum SocketPath {
    /// Identity of the socket file we bound, so `stop()` never unlinks a newer daemon's socket.
    struct FileIdentity: Sendable, Hashable {
        var device: UInt64
        var inode: UInt64
    }

    static func errorString(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "unknown error" }
        return String(cString: text)
    }

    static var maxPathLength: Int {
        MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1
    }

    /// Creates the parent directory (mode 0755, one level) when missing.
    static func ensureParentDirectory(of path: String) throws(ControlServerError) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let parent = String(path[..<slash])
        var info = stat()
        if stat(parent, &info) == 0 { return }
        if mkdir(parent, 0o755) != 0 && errno != EEXIST {
            throw .system(operation: "mkdir", path: parent, errno: errno)
        }
    }

    /// Removes a socket file nobody listens on; refuses when someone does or when the path is
    /// not a socket.
    static func removeStaleSocket(at path: String) throws(ControlServerError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw .system(operation: "lstat", path: path, errno: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else { throw .notASocket(path: path) }
        switch probe(path) {
        case 0: throw .alreadyListening(path: path)
        case ECONNREFUSED:
            if unlink(path) != 0 && errno != ENOENT { throw .system(operation: "unlink", path: path, errno: errno) }
        case let code: throw .system(operation: "connect (stale socket check)", path: path, errno: code)
        }
    }

    /// Tries to connect; returns 0 when something accepts, else the errno.
    private static func probe(_ path: String) -> Int32 {
        #if canImport(Glibc) || canImport(Musl)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        guard var address = socketAddress(path) else { return ENAMETOOLONG }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0 ? 0 : errno
    }

    static func socketAddress(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count <= maxPathLength else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// Applies mode (and group, when given) to the bound socket; returns its identity.
    static func setPermissions(_ path: String, mode: UInt32, group: UInt32?) throws(ControlServerError) -> FileIdentity {
        if chmod(path, mode_t(mode)) != 0 { throw .system(operation: "chmod", path: path, errno: errno) }
        if let group, chown(path, uid_t.max, gid_t(group)) != 0 {
            throw .system(operation: "chown", path: path, errno: errno)
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .system(operation: "lstat", path: path, errno: errno) }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Unlinks the socket file if it is still the one we created.
    static func remove(_ path: String, ifIdentity identity: FileIdentity) {
        var info = stat()
        guard lstat(path, &info) == 0,
            FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) == identity
        else { return }
        unlink(path)
    }
}
