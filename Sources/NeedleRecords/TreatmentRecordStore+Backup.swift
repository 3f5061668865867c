#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A consistent copy of the records while needled runs: SQLite's `VACUUM INTO` on the read
/// connection copies one snapshot of the file (writes go on meanwhile through the other
/// connection), into a temporary file created owner-only, synced and renamed over `path`, so
/// a failed backup never leaves half a file where a previous one was.
extension TreatmentRecordStore {
    /// Writes the copy to `path` and returns its size in bytes.
    @discardableResult
    public func backup(to path: String) throws(RecordStoreError) -> Int64 {
        let temporary = path + ".tmp-\(getpid())"
        // VACUUM INTO needs a file that does not exist or is empty: an empty one created
        // 0600 here keeps the copy owner-only whatever the umask.
        let created = createOwnerOnly(temporary)
        guard created >= 0 else { throw Self.backupError(path, "cannot create \(temporary): \(errnoText())") }
        close(created)
        do {
            // Outside any transaction: VACUUM refuses to run inside one.
            try withReadConnection { db in try db.execute("VACUUM INTO ?", [.text(temporary)]) }
            let fd = openForReading(temporary)
            guard fd >= 0 else { throw Self.backupError(path, "cannot reopen the copy: \(errnoText())") }
            var info = stat()
            let synced = fsync(fd) == 0 && fstat(fd, &info) == 0
            close(fd)
            guard synced else { throw Self.backupError(path, "cannot sync the copy: \(errnoText())") }
            guard rename(temporary, path) == 0 else { throw Self.backupError(path, "cannot rename the copy into place: \(errnoText())") }
            return Int64(info.st_size)
        } catch {
            unlink(temporary)
            throw RecordStoreError(wrapping: error, operation: "back up to \(path)")
        }
    }

    private static func backupError(_ path: String, _ reason: String) -> RecordStoreError {
        .sqlite(operation: "back up to \(path)", code: 0, message: reason)
    }
}

private func errnoText() -> String { String(cString: strerror(errno)) }

/// open(2) as free functions: inside the store, `open` names its own method.
private func createOwnerOnly(_ path: String) -> Int32 { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
private func openForReading(_ path: String) -> Int32 { open(path, O_RDONLY | O_CLOEXEC) }
