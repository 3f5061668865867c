#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NeedleProtocol
import NeedleRecords
import Synchronization

/// `backup`: a consistent copy of the records (the store's `VACUUM INTO`) made in the state
/// directory — the only place needled may write under systemd — and read out over the
/// socket in base64 chunks by `needlectl backup`, which writes the file on its side.
extension CommandRouter {
    func backup(_ arguments: BackupArguments) -> Result<ResultPayload, ProtocolError> {
        guard let recorder = records else { return .failure(Self.noRecords) }
        guard let storePath = recorder.store.path else {
            return .failure(ProtocolError(.storageFailed, "these treatment records live in memory only: nothing to back up"))
        }
        let nowMs = wallClock.nowUnixMs()
        let copy: BackupCopies.Copy
        if let token = arguments.token {
            guard let found = backups.copy(token: token, nowMs: nowMs) else {
                return .failure(ProtocolError(
                    .invalidRequest, "backup: no copy with token \(token) (it was read to its end, or expired): start again"))
            }
            copy = found
        } else {
            let directory = storePath.lastIndex(of: "/").map { String(storePath[..<$0]) } ?? "."
            switch backups.make(in: directory, nowMs: nowMs, { (path: String) throws(RecordStoreError) -> Int64 in try recorder.store.backup(to: path) }) {
            case .success(let made): copy = made
            case .failure(let error):
                return .failure(ProtocolError(.storageFailed, "the records could not be copied: \(error)"))
            }
        }
        guard arguments.offset <= copy.size else {
            return .failure(ProtocolError(.invalidRequest, "backup: offset \(arguments.offset) is past the copy's \(copy.size) bytes"))
        }
        let chunk: [UInt8]
        switch BackupCopies.read(copy.path, offset: arguments.offset, count: BackupArguments.chunkBytes) {
        case .success(let bytes): chunk = bytes
        case .failure(let reason):
            backups.discard(token: copy.token)
            return .failure(ProtocolError(.storageFailed, "the records' copy could not be read: \(reason)"))
        }
        let end = arguments.offset + Int64(chunk.count)
        let done = end >= copy.size
        if done { backups.discard(token: copy.token) }
        return .success(.json(.object([
            "token": .integer(copy.token), "size": .integer(copy.size), "offset": .integer(arguments.offset),
            "data": .string(Base64.encode(chunk)), "done": .bool(done),
        ])))
    }
}

/// The copies being read out, each a file `backup-<token>.sqlite` in the state directory,
/// removed once read to its end, or when it has not been read for `expiryMs` (a client that
/// went away). A daemon killed mid-backup leaves its copy behind until the next start
/// (`removeLeftovers`): a full copy of health data is not left lying about.
final class BackupCopies: Sendable {
    struct Copy: Sendable {
        var token: Int64
        var path: String
        var size: Int64
        var lastReadMs: Int64
    }

    static let expiryMs: Int64 = 5 * 60 * 1000
    /// Copies at once: each is the size of the records file.
    static let maxCopies = 2

    private let state = Mutex<(next: Int64, copies: [Int64: Copy])>((1, [:]))

    func make(
        in directory: String, nowMs: Int64, _ write: (String) throws(RecordStoreError) -> Int64
    ) -> Result<Copy, RecordStoreError> {
        expire(nowMs: nowMs)
        let token: Int64? = state.withLock { state in
            guard state.copies.count < Self.maxCopies else { return nil }
            defer { state.next += 1 }
            return state.next
        }
        guard let token else {
            return .failure(.sqlite(operation: "back up", code: 0, message: "\(Self.maxCopies) backups are being read already; try again later"))
        }
        let path = "\(directory)/backup-\(getpid())-\(token).sqlite"
        do throws(RecordStoreError) {
            let size = try write(path)
            let copy = Copy(token: token, path: path, size: size, lastReadMs: nowMs)
            state.withLock { $0.copies[token] = copy }
            return .success(copy)
        } catch {
            return .failure(error)
        }
    }

    func copy(token: Int64, nowMs: Int64) -> Copy? {
        expire(nowMs: nowMs)
        return state.withLock { state in
            state.copies[token]?.lastReadMs = nowMs
            return state.copies[token]
        }
    }

    func discard(token: Int64) {
        if let copy = state.withLock({ $0.copies.removeValue(forKey: token) }) { unlink(copy.path) }
    }

    private func expire(nowMs: Int64) {
        let stale = state.withLock { state in
            let old = state.copies.values.filter { nowMs - $0.lastReadMs > Self.expiryMs }
            for copy in old { state.copies[copy.token] = nil }
            return old
        }
        for copy in stale { unlink(copy.path) }
    }

    /// Removes the copies (and half-made copies) an earlier run left in `directory`; returns
    /// how many. Called at start-up, before anyone can ask for a backup.
    @discardableResult
    static func removeLeftovers(in directory: String) -> Int {
        guard let dir = opendir(directory) else { return 0 }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("backup-"), name.contains(".sqlite") { names.append(name) }
        }
        closedir(dir)
        return names.filter { unlink(directory + "/" + $0) == 0 }.count
    }

    /// Up to `count` bytes of the file at `offset`.
    struct ReadFailure: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String, offset: Int64, count: Int) -> Result<[UInt8], ReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ReadFailure(description: String(cString: strerror(errno)))) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(fd, base + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(description: String(cString: strerror(errno))))
            }
            if got == 0 { break }
            filled += got
        }
        return .success(Array(bytes[..<filled]))
    }
}
