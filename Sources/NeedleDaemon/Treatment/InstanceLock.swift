#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// One needled per state directory: an exclusive `flock` on `<state>/needled.lock`, taken
/// after the outputs are safe and before any state is read, held for the daemon's life.
///
/// Why the state directory (and not beside the socket): the state is what a second instance
/// would damage: it would close the live instance's open session as `interrupted` and
/// share its calibration file. The pen's GPIO lines already refuse a second holder on real
/// hardware, and the socket path refuses a second listener (`SocketPath.removeStaleSocket`).
/// The kernel drops the lock when the process dies, however it dies: a stale file never
/// blocks a restart. The holder's pid is written into the file, for the error message.
final class InstanceLock: Sendable {
    static let fileName = "needled.lock"

    let path: String
    private let descriptor: Mutex<Int32>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    deinit { release() }

    /// Takes the lock or says who holds it; never waits.
    /// - Throws: `.alreadyRunning` naming the file and the holder's pid; `.state` when the
    ///   file cannot be opened or locked at all (no lock, no start: the fail-safe reading).
    static func acquire(inDirectory directory: String) throws(DaemonError) -> InstanceLock {
        let path = directory + "/" + fileName
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        // A read-only state directory that already has the file still lets us lock it.
        if fd < 0, errno == EACCES || errno == EROFS { fd = open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            throw .state(path: path, reason: "cannot open the single-instance lock file: \(StateDirectory.describe(errno))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = readHolder(fd)
            close(fd)
            if code == EWOULDBLOCK { throw .alreadyRunning(lockFile: path, holder: holder) }
            throw .state(path: path, reason: "cannot lock the single-instance lock file: \(StateDirectory.describe(code))")
        }
        writeHolder(fd, pid: getpid())
        return InstanceLock(path: path, descriptor: fd)
    }

    /// Drops the lock (closing the file); idempotent.
    func release() {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    /// Best effort: a lock without a pid in it is still a lock.
    private static func writeHolder(_ fd: Int32, pid: Int32) {
        let text = Array("\(pid)\n".utf8)
        guard ftruncate(fd, 0) == 0 else { return }
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    private static func readHolder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingNewlines
        return Int32(text).flatMap { $0 > 0 ? $0 : nil }
    }
}

extension String {
    fileprivate var trimmingNewlines: String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" || last == " " { text = text.dropLast() }
        return String(text)
    }
}
