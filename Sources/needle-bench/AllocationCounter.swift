#if canImport(Glibc)
import Glibc
#endif
import MallocInterposerSwift
import Synchronization

/// Counts heap allocations made by one thread (the control loop's), through
/// malloc-interposer's per-allocation hook. The interposer must be preloaded
/// (LD_PRELOAD); `Bench.main` re-executes itself with it when it is not.
enum AllocationCounter {
    nonisolated(unsafe) static var watchedThread: pthread_t = pthread_t()
    static let count = Atomic<Int>(0)

    static var isInterposed: Bool {
        MallocInterposerSwift.initialize()
        MallocInterposerSwift.reset()
        MallocInterposerSwift.hook()
        let probe = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)
        probe.deallocate()
        MallocInterposerSwift.unhook()
        return MallocInterposerSwift.getStatistics().mallocCount > 0
    }

    static func start(watching thread: pthread_t) {
        watchedThread = thread
        _ = count.load(ordering: .relaxed)
        MallocInterposerSwift.setAllocationHook { _ in
            if pthread_equal(pthread_self(), AllocationCounter.watchedThread) != 0 {
                AllocationCounter.count.add(1, ordering: .relaxed)
            }
        }
        MallocInterposerSwift.hook()
    }

    /// Proves the hook counts the watched thread: one deliberate allocation on this thread
    /// must be seen. A counter that cannot see allocations would report a false 0.
    static func selfTest() -> Bool {
        start(watching: pthread_self())
        let box = [Int](repeating: 7, count: 1000)
        let seen = stop()
        count.store(0, ordering: .relaxed)
        return seen > 0 && box.count == 1000
    }

    static func stop() -> Int {
        MallocInterposerSwift.unhook()
        MallocInterposerSwift.setAllocationHook(nil)
        return count.load(ordering: .relaxed)
    }
}
