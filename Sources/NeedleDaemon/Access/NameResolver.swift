/// Turns user and group names (or numbers) into ids. `system` asks the system's user and
/// group databases; tests inject their own.
public struct NameResolver: Sendable {
    public var uid: @Sendable (String) -> UInt32?
    public var gid: @Sendable (String) -> UInt32?

    public init(uid: @escaping @Sendable (String) -> UInt32?, gid: @escaping @Sendable (String) -> UInt32?) {
        self.uid = uid
        self.gid = gid
    }

    public static let system = NameResolver(uid: AccessPolicy.uid(ofUser:), gid: AccessPolicy.gid(ofGroup:))
    /// Numbers only: any name is unknown.
    public static let numeric = NameResolver(uid: { UInt32($0) }, gid: { UInt32($0) })
}
