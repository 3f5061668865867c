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

    static func stop() -> Int {
        MallocInterposerSwift.unhook()
        MallocInterposerSwift.setAllocationHook(nil)
        return count.load(ordering: .relaxed)
    }
}
