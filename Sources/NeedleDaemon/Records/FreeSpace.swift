#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether the records' file system has room for a session, asked before one is armed
/// (issue 12: a full disk was noticed only when a write failed, so the first session on it
/// ran unrecorded). A session writes a few kB of rows and up to ~100 kB of trace; the
/// threshold (`[treatment] min_free_mb`, 64 MiB by default) leaves room for the WAL too.
public struct FreeSpace: Sendable {
    public let directory: String
    public let minimumBytes: Int64
    /// Bytes available to needled there; nil when it cannot be told. Injected by tests.
    let available: @Sendable (String) -> Int64?

    public init(directory: String, minimumBytes: Int64, available: @escaping @Sendable (String) -> Int64? = FreeSpace.statfsAvailable) {
        self.directory = directory
        self.minimumBytes = minimumBytes
        self.available = available
    }

    /// Why a session cannot start, or nil when there is room. A file system whose free
    /// space cannot be read is refused too: the pen cannot tell whether the record fits.
    func shortage() -> String? {
        guard let free = available(directory) else {
            return "the free space of \(directory) cannot be read"
        }
        guard free >= minimumBytes else {
            return "only \(free / 1_048_576) MiB free on the records' file system (\(directory)); "
                + "\(minimumBytes / 1_048_576) MiB are needed ([treatment] min_free_mb)"
        }
        return nil
    }

    /// statvfs(3): blocks available to an unprivileged process times the fragment size.
    public static let statfsAvailable: @Sendable (String) -> Int64? = { path in
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
