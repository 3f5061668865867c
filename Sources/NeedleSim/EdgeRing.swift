import NeedleHAL

/// A fixed-capacity queue of edge events, like the kernel's per-line event buffer: its
/// storage is allocated once, and when full the oldest event is dropped and counted.
///
/// It lives inside the simulator's mutex-guarded state and is only ever mutated in
/// place there; it must never be copied out (a copy would share the buffer and the next
/// push would allocate a new one).
struct EdgeRing: Sendable {
    private var storage: [EdgeEvent]
    private var head = 0
    private(set) var count = 0
    /// Events dropped because the queue was full.
    private(set) var overflows: UInt64 = 0

    init(capacity: Int) {
        storage = Array(repeating: EdgeEvent(timestampNs: 0, becameActive: false), count: max(capacity, 1))
    }

    var capacity: Int { storage.count }

    mutating func push(_ event: EdgeEvent) {
        if count == storage.count {
            head = (head + 1) % storage.count
            count -= 1
            overflows += 1
        }
        storage[(head + count) % storage.count] = event
        count += 1
    }

    mutating func pop() -> EdgeEvent? {
        guard count > 0 else { return nil }
        let event = storage[head]
        head = (head + 1) % storage.count
        count -= 1
        return event
    }
}
