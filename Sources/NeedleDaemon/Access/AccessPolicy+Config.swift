import NeedleConfig

extension AccessPolicy {
    /// Resolves `[access]` once, when the configuration is loaded: every name must exist.
    /// `clinicianUsers`/`clinicianGroups` come from the command line and add clinicians.
    /// - Throws: `unknownName` naming the field (`access.operator_groups`, or the flag).
    public init(
        resolving access: AccessSection, clinicianUsers: [String] = [], clinicianGroups: [String] = [],
        resolver: NameResolver
    ) throws(ConfigError) {
        func resolve(
            _ names: [String], _ field: String, _ kind: String, _ lookup: (String) -> UInt32?
        ) throws(ConfigError) -> Set<UInt32> {
            var ids = Set<UInt32>()
            for name in names {
                guard let id = lookup(name) else {
                    throw ConfigError(.unknownName, field: field, value: "\"\(name)\"", allowed: "no such \(kind) on this system")
                }
                ids.insert(id)
            }
            return ids
        }
        func users(_ names: [String], _ field: String) throws(ConfigError) -> Set<UInt32> {
            try resolve(names, field, "user", resolver.uid)
        }
        func groups(_ names: [String], _ field: String) throws(ConfigError) -> Set<UInt32> {
            try resolve(names, field, "group", resolver.gid)
        }
        self.init(
            observerUIDs: try users(access.observerUsers, "access.observer_users"),
            observerGIDs: try groups(access.observerGroups, "access.observer_groups"),
            operatorUIDs: try users(access.operatorUsers, "access.operator_users"),
            operatorGIDs: try groups(access.operatorGroups, "access.operator_groups"),
            clinicianUIDs: try users(access.clinicianUsers, "access.clinician_users")
                .union(try users(clinicianUsers, "--clinician-uid")),
            clinicianGIDs: try groups(access.clinicianGroups, "access.clinician_groups")
                .union(try groups(clinicianGroups, "--clinician-group")))
    }
}
