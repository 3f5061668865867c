#if canImport(Glibc)
import Glibc
#endif

/// The signals the daemon acts on, received synchronously with sigwait: blocked in every
/// thread (the mask is inherited, so block before any thread starts) and taken by the main
/// thread, which can then shut down in order instead of inside a signal handler.
public enum ShutdownSignal: Int32, Sendable {
    case terminate = 15  // SIGTERM
    case interrupt = 2  // SIGINT
    case hangup = 1  // SIGHUP

    public var name: String {
        switch self {
        case .terminate: "SIGTERM"
        case .interrupt: "SIGINT"
        case .hangup: "SIGHUP"
        }
    }
}

public enum Signals {
    private static func set() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        return set
    }

    /// Blocks the daemon's signals in the calling thread and every thread it starts later.
    public static func block() {
        var mask = set()
        pthread_sigmask(SIG_BLOCK, &mask, nil)
    }

    /// Waits for the next of the daemon's signals.
    public static func wait() -> ShutdownSignal {
        var mask = set()
        while true {
            var received: Int32 = 0
            if sigwait(&mask, &received) == 0, let signal = ShutdownSignal(rawValue: received) {
                return signal
            }
        }
    }
}
