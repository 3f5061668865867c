import Glibc

/// Runs a closure on its own pthread. The service-manager glue (readiness wait, watchdog
/// feeder) must not depend on the Swift concurrency pool or a NIO event loop being free:
/// its whole point is to report on them.
enum ServiceThread {
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func start(_ body: @escaping @Sendable () -> Void) throws(SystemdError) -> pthread_t {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            throw .system(operation: "pthread_create", errno: rc)
        }
        return handle
    }
}
