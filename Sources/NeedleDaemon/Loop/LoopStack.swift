#if canImport(Glibc)
import Glibc
#endif

/// The control-loop thread's stack, mapped and written through before the thread starts.
///
/// `mlockall(MCL_ONFAULT)` locks a page only once it is touched: a default thread stack's
/// pages would be faulted in by the first deep call, which may well be the first trip.
/// This stack is ours (`pthread_attr_setstack`), every page of it written at creation, so
/// under `mlockall(MCL_FUTURE)` it is resident and locked before the first tick, and no
/// tick ever takes a page fault on its stack. A PROT_NONE guard page below it turns an
/// overflow into a crash (the heartbeat then stops and the monostable cuts the motor)
/// instead of silent corruption.
final class LoopStack: @unchecked Sendable {
    /// 1 MiB: the loop's deepest path (a tick, the start-up trip exercise) uses a few tens
    /// of KiB (`highWaterBytes`, checked by a test); the rest is margin, locked in RAM.
    static let size = 1 << 20

    private let mapping: UnsafeMutableRawPointer
    private let mappingSize: Int
    private let guardSize: Int

    /// nil when the kernel refuses the mapping (the thread then gets a default stack).
    init?() {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guardSize = page
        mappingSize = Self.size + page
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | Int32(MAP_STACK) | Int32(MAP_POPULATE)
        guard let raw = mmap(nil, mappingSize, PROT_READ | PROT_WRITE, flags, -1, 0), raw != MAP_FAILED else {
            return nil
        }
        mapping = raw
        mprotect(raw, page, PROT_NONE)
        // MAP_POPULATE is a hint; writing each page makes sure it is there (and locked).
        for offset in stride(from: page, to: mappingSize, by: page) {
            raw.storeBytes(of: 0, toByteOffset: offset, as: UInt8.self)
        }
    }

    deinit { munmap(mapping, mappingSize) }

    /// The usable stack (above the guard page), for `pthread_attr_setstack`.
    var base: UnsafeMutableRawPointer { mapping + guardSize }

    /// How many of the stack's pages are resident now (mincore); all of them, normally.
    func residentPages() -> (resident: Int, total: Int) {
        let page = guardSize
        let total = Self.size / page
        var vector = [UInt8](repeating: 0, count: total)
        guard mincore(base, Self.size, &vector) == 0 else { return (0, total) }
        return (vector.filter { $0 & 1 == 1 }.count, total)
    }

    /// How deep the stack has ever been used: the pages were zeroed at creation and the
    /// stack grows down, so the lowest non-zero byte marks the deepest frame so far.
    func highWaterBytes() -> Int {
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var offset = 0
        while offset < Self.size, bytes[offset] == 0 { offset += 1 }
        return Self.size - offset
    }
}
