import NeedleHAL
import Synchronization

/// The pen's state behind one mutex, plus the clock that drives it. The control-loop
/// thread reaches it through the device objects and socket threads through
/// `SimulatedPen`; each access reads the clock, takes the lock, integrates up to that
/// time, does its update and lets go. Nothing in here allocates.
final class PenEngine: Sendable {
    let clock: any MonotonicClock
    private let state: Mutex<PenState>

    init(clock: any MonotonicClock, parameters: SimParameters) {
        self.clock = clock
        state = Mutex(PenState(parameters: parameters, startNs: clock.nowNanoseconds()))
    }

    /// Runs `body` on the state brought up to the clock's current time; `now` is that time.
    func access<R: Sendable>(_ body: (inout PenState, _ now: UInt64) -> R) -> R {
        let now = clock.nowNanoseconds()
        return state.withLock { state in
            state.advance(to: now)
            return body(&state, max(now, state.timeNs))
        }
    }
}
