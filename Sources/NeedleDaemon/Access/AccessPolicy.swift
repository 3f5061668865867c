#if canImport(Glibc)
import Glibc
#endif

/// Who may put the pen in clinical mode (DESIGN.md §3 rule 7): root, the listed uids, and
/// members of the listed groups — the peer's primary gid from SO_PEERCRED or any
/// supplementary group of its user. Switching back to home mode narrows what the pen can
/// do, so any peer that can reach the socket may do it.
public struct AccessPolicy: Sendable, Equatable {
    public var clinicianUIDs: Set<UInt32>
    public var clinicianGIDs: Set<UInt32>

    public init(clinicianUIDs: Set<UInt32> = [], clinicianGIDs: Set<UInt32> = []) {
        self.clinicianUIDs = clinicianUIDs
        self.clinicianGIDs = clinicianGIDs
    }

    /// `groupsOf` returns the supplementary groups of a uid (injectable for tests).
    public func mayUseClinical(
        uid: UInt32, gid: UInt32, groupsOf: (UInt32) -> [UInt32] = AccessPolicy.supplementaryGroups
    ) -> Bool {
        if uid == 0 || clinicianUIDs.contains(uid) || clinicianGIDs.contains(gid) { return true }
        guard !clinicianGIDs.isEmpty else { return false }
        return groupsOf(uid).contains { clinicianGIDs.contains($0) }
    }

    /// The groups the user `uid` belongs to, from the system's group database.
    public static func supplementaryGroups(of uid: UInt32) -> [UInt32] {
        #if os(Linux)
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return [] }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, entry.pointee.pw_gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, entry.pointee.pw_gid, &groups, &count) >= 0 else { return [] }
        }
        return Array(groups.prefix(Int(count)))
        #else
        return []
        #endif
    }

    /// Resolves a group name to its gid.
    public static func gid(ofGroup name: String) -> UInt32? {
        #if os(Linux)
        guard let entry = getgrnam(name) else { return nil }
        return entry.pointee.gr_gid
        #else
        return nil
        #endif
    }

    /// Resolves a user name (or a number) to its uid.
    public static func uid(ofUser name: String) -> UInt32? {
        if let number = UInt32(name) { return number }
        #if os(Linux)
        guard let entry = getpwnam(name) else { return nil }
        return entry.pointee.pw_uid
        #else
        return nil
        #endif
    }
}
