import NeedleDaemon
import Synchronization

/// A calendar clock a test sets by hand (to stand 27 or 28 days after a session).
final class ManualWallClock: WallClock {
    private let ms: Mutex<Int64>

    init(unixMs: Int64 = 1_795_651_200_000) {  // 2026-11-26T00:00:00Z
        ms = Mutex(unixMs)
    }

    func nowUnixMs() -> Int64 { ms.withLock { $0 } }

    func advance(ms delta: Int64) { ms.withLock { $0 += delta } }

    func advance(days: Int64) { advance(ms: days * 86_400_000) }
}
