#if canImport(Glibc)
import Glibc
#endif
import NeedleRecords
import Testing

/// Records are health data: the file, its WAL and its SHM are owner-only whatever the umask.
@Suite("Records file modes", .serialized)
struct FileModeTests {
    func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    @Test("under umask 000 a new file, its WAL and SHM are 0600; an older file at 0644 is narrowed")
    func ownerOnly() throws {
        let directory = "/tmp/needle-modes-\(getpid())"
        mkdir(directory, 0o700)
        defer {
            for name in ["a.sqlite", "a.sqlite-wal", "a.sqlite-shm", "b.sqlite", "b.sqlite-wal", "b.sqlite-shm"] {
                unlink(directory + "/" + name)
            }
            rmdir(directory)
        }
        let old = umask(0)
        defer { umask(old) }
        let path = directory + "/a.sqlite"
        let store = try TreatmentRecordStore(path: path)
        _ = try store.open(TreatmentRecord(startedAtMs: 1, updatedAtMs: 1, mode: "home", targetDepthMM: 0.5, speedLevel: 5))
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(mode(file) == 0o600, "\(file): \(String(mode(file) ?? 0, radix: 8))")
        }
        let older = directory + "/b.sqlite"
        close(open(older, O_RDWR | O_CREAT, 0o644))
        chmod(older, 0o644)
        _ = try TreatmentRecordStore(path: older)
        #expect(mode(older) == 0o600)
    }
}
