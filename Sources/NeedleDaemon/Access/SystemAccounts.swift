#if canImport(Glibc)
import Glibc
#endif

/// The system's user and group databases, read only with the reentrant calls
/// (`getpwuid_r`, `getpwnam_r`, `getgrnam_r`, `getgrouplist`) into buffers of the caller's
/// own. Role checks run on several socket threads at once: `getpwuid()` and friends return
/// one static buffer per process, so a peer could be judged by another peer's groups.
enum SystemAccounts {
    /// A user's name and primary gid, copied out of the lookup's buffer.
    struct User: Equatable {
        var name: String
        var gid: UInt32
    }

    /// The largest buffer a lookup grows to (ERANGE doubles it from 1 KiB).
    static let maxBufferBytes = 1 << 20

    static func user(uid: UInt32) -> User? {
        #if os(Linux)
        var entry = passwd()
        return lookup { buffer, size, result in getpwuid_r(uid, &entry, buffer, size, result) } copy: { (found: UnsafeMutablePointer<passwd>) in
            found.pointee.pw_name.map { User(name: String(cString: $0), gid: found.pointee.pw_gid) }
        }
        #else
        return nil
        #endif
    }

    static func uid(named name: String) -> UInt32? {
        #if os(Linux)
        var entry = passwd()
        return lookup { buffer, size, result in getpwnam_r(name, &entry, buffer, size, result) } copy: { (found: UnsafeMutablePointer<passwd>) in
            found.pointee.pw_uid
        }
        #else
        return nil
        #endif
    }

    static func gid(named name: String) -> UInt32? {
        #if os(Linux)
        var entry = group()
        return lookup { buffer, size, result in getgrnam_r(name, &entry, buffer, size, result) } copy: { (found: UnsafeMutablePointer<group>) in
            found.pointee.gr_gid
        }
        #else
        return nil
        #endif
    }

    /// Every group of the user `name` (primary `gid` included), in an array of our own.
    static func groups(ofUser name: String, primaryGID gid: UInt32) -> [UInt32] {
        #if os(Linux)
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, gid, &groups, &count) < 0 {
            // `count` now holds the number needed.
            groups = [gid_t](repeating: 0, count: Int(max(count, 1)))
            guard getgrouplist(name, gid, &groups, &count) >= 0 else { return [] }
        }
        return Array(groups.prefix(Int(count)))
        #else
        return []
        #endif
    }

    /// Runs a `get*_r` call with a buffer grown on ERANGE; `copy` takes what it needs out of
    /// the entry before the buffer is freed. Not found, or an error: nil.
    private static func lookup<Entry, Value>(
        _ call: (UnsafeMutablePointer<CChar>, Int, UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>) -> Int32,
        copy: (UnsafeMutablePointer<Entry>) -> Value?
    ) -> Value? {
        var size = 1024
        while size <= maxBufferBytes {
            var buffer = [CChar](repeating: 0, count: size)
            var result: UnsafeMutablePointer<Entry>?
            let status = buffer.withUnsafeMutableBufferPointer { raw -> Int32 in
                guard let base = raw.baseAddress else { return EINVAL }
                return call(base, raw.count, &result)
            }
            if status == ERANGE {
                size *= 2
                continue
            }
            guard status == 0, let found = result else { return nil }
            // `found` points at the caller's entry, whose strings live in `buffer`: copy now.
            return withExtendedLifetime(buffer) { copy(found) }
        }
        return nil
    }
}
