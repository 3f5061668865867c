/// A pointer to a C shim object (chip or line request), made Sendable so it can live in a
/// `Mutex`. Sound because every owner touches the object only while holding its own mutex,
/// and frees it exactly once under that mutex.
struct ShimHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
