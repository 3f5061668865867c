#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes exports, reports and backups — health data — owner-only (0600) whatever the
/// umask, and atomically: a temporary file beside the target, synced, renamed over it, so a
/// failed write never leaves half a file where a previous one was.
enum OwnerOnlyFile {
    /// nil on success, else why (the errno's text).
    static func save(_ text: String, to path: String) -> String? {
        let writer: Writer
        switch Writer.create(path) {
        case .success(let created): writer = created
        case .failure(let reason): return reason.description
        }
        if let failure = writer.append(Array(text.utf8)) {
            writer.abandon()
            return failure
        }
        return writer.commit()
    }

    /// A file written piece by piece (an export page by page, a backup chunk by chunk) and
    /// put in place only by `commit`.
    final class Writer {
        let path: String
        let temporary: String
        private let fd: Int32
        private var closed = false

        private init(path: String, temporary: String, fd: Int32) {
            self.path = path
            self.temporary = temporary
            self.fd = fd
        }

        struct Failure: Error, CustomStringConvertible {
            var description: String
        }

        static func create(_ path: String) -> Result<Writer, Failure> {
            let temporary = path + ".tmp-\(getpid())"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return .failure(Failure(description: errorText(errno))) }
            // A file left by an earlier owner at another mode is not ours: O_EXCL above.
            guard fchmod(fd, 0o600) == 0 else {
                let code = errno
                close(fd)
                unlink(temporary)
                return .failure(Failure(description: errorText(code)))
            }
            return .success(Writer(path: path, temporary: temporary, fd: fd))
        }

        deinit { abandon() }

        /// nil on success, else why.
        func append(_ bytes: [UInt8]) -> String? {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno != EINTR { return Self.errorText(errno) }
                } else {
                    offset += written
                }
            }
            return nil
        }

        /// Syncs, closes and renames over `path`; nil on success, else why (and the
        /// temporary file is removed).
        func commit() -> String? {
            guard !closed else { return "already closed" }
            closed = true
            var failure: Int32?
            if fsync(fd) != 0 { failure = errno }
            if close(fd) != 0, failure == nil { failure = errno }
            if failure == nil, rename(temporary, path) != 0 { failure = errno }
            guard let failure else { return nil }
            unlink(temporary)
            return Self.errorText(failure)
        }

        /// Drops what was written; `path` is left as it was.
        func abandon() {
            guard !closed else { return }
            closed = true
            close(fd)
            unlink(temporary)
        }

        static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
    }
}
