/// Who may do what on the control socket (DESIGN.md §3 rule 7): each role lists uids and
/// gids; a peer matches a gid by its primary gid from SO_PEERCRED or any supplementary
/// group of its user. Root is always a clinician. A peer that matches nothing has no role.
public struct AccessPolicy: Sendable, Equatable {
    public var observerUIDs: Set<UInt32>
    public var observerGIDs: Set<UInt32>
    public var operatorUIDs: Set<UInt32>
    public var operatorGIDs: Set<UInt32>
    public var clinicianUIDs: Set<UInt32>
    public var clinicianGIDs: Set<UInt32>

    public init(
        observerUIDs: Set<UInt32> = [], observerGIDs: Set<UInt32> = [],
        operatorUIDs: Set<UInt32> = [], operatorGIDs: Set<UInt32> = [],
        clinicianUIDs: Set<UInt32> = [], clinicianGIDs: Set<UInt32> = []
    ) {
        self.observerUIDs = observerUIDs
        self.observerGIDs = observerGIDs
        self.operatorUIDs = operatorUIDs
        self.operatorGIDs = operatorGIDs
        self.clinicianUIDs = clinicianUIDs
        self.clinicianGIDs = clinicianGIDs
    }

    public func uids(of role: Role) -> Set<UInt32> {
        switch role {
        case .observer: observerUIDs
        case .operator: operatorUIDs
        case .clinician: clinicianUIDs
        }
    }

    public func gids(of role: Role) -> Set<UInt32> {
        switch role {
        case .observer: observerGIDs
        case .operator: operatorGIDs
        case .clinician: clinicianGIDs
        }
    }

    /// The highest role of a peer, or nil for none. `groupsOf` returns the supplementary
    /// groups of a uid (injectable for tests); it is asked at most once, and only when a
    /// role lists groups the uid and primary gid did not already match.
    public func role(
        uid: UInt32, gid: UInt32, groupsOf: (UInt32) -> [UInt32] = AccessPolicy.supplementaryGroups
    ) -> Role? {
        if uid == 0 { return .clinician }
        var groups: [UInt32]?
        for role in Role.allCases.reversed() {
            let gids = gids(of: role)
            if uids(of: role).contains(uid) || gids.contains(gid) { return role }
            guard !gids.isEmpty else { continue }
            let supplementary = groups ?? groupsOf(uid)
            groups = supplementary
            if supplementary.contains(where: gids.contains) { return role }
        }
        return nil
    }

    /// Whether the peer may select clinical mode.
    public func mayUseClinical(
        uid: UInt32, gid: UInt32, groupsOf: (UInt32) -> [UInt32] = AccessPolicy.supplementaryGroups
    ) -> Bool {
        role(uid: uid, gid: gid, groupsOf: groupsOf) == .clinician
    }

    /// The groups the user `uid` belongs to, from the system's group database (reentrant
    /// lookups only: this runs on several socket threads at once).
    public static func supplementaryGroups(of uid: UInt32) -> [UInt32] {
        supplementaryGroups(of: uid, afterLookup: {})
    }

    /// `afterLookup` runs between reading the user's entry and using it: tests make another
    /// lookup there, as another socket thread could, to show the entry is our own copy.
    static func supplementaryGroups(of uid: UInt32, afterLookup: () -> Void) -> [UInt32] {
        guard let user = SystemAccounts.user(uid: uid) else { return [] }
        afterLookup()
        return SystemAccounts.groups(ofUser: user.name, primaryGID: user.gid)
    }

    /// Resolves a group name (or a number) to its gid.
    public static func gid(ofGroup name: String) -> UInt32? {
        if let number = UInt32(name) { return number }
        return SystemAccounts.gid(named: name)
    }

    /// Resolves a user name (or a number) to its uid.
    public static func uid(ofUser name: String) -> UInt32? {
        if let number = UInt32(name) { return number }
        return SystemAccounts.uid(named: name)
    }
}
