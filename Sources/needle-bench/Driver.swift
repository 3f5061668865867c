#if canImport(Glibc)
import Glibc
#endif
import NeedleCore
import NeedleDaemon
import NeedleHAL
import NeedleSim

/// Drives the loop and the simulated pen the way an operator and a turning collar would,
/// directly (no socket: the bench measures the loop, not the protocol).
struct Driver {
    let loop: ControlLoop
    let pen: SimulatedPen
    let clock: any MonotonicClock
    /// What passes between two polls: 200 µs of real time while the loop thread ticks,
    /// or (`--count-ticks`) one tick run here on the virtual clock.
    var pause: () -> Void = { usleep(200) }

    /// Polls `condition` after every `pause` for up to `seconds` of `clock`.
    func wait(_ seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = clock.nowNanoseconds() + UInt64(seconds * 1e9)
        while clock.nowNanoseconds() < deadline {
            if condition() { return true }
            pause()
        }
        return condition()
    }

    func settle(at depth: Double) -> Bool {
        pen.setDepth(mm: depth)
        let reached = wait(1) { loop.status().depthMM.map { abs($0 - depth) < 0.01 } ?? false }
        _ = wait(0.005) { false }  // a few more samples so the supervisor trusts the depth
        return reached
    }

    func startTreatment(depth: Double, speed: Int) -> Bool {
        guard settle(at: depth) else { return false }
        _ = loop.command(.clear, nowNs: clock.nowNanoseconds())
        guard case .success = loop.command(.arm(Plan(targetDepthMM: depth, speedLevel: speed)), nowNs: clock.nowNanoseconds())
        else { return false }
        return wait(0.5) {
            if case .success = loop.command(.start, nowNs: clock.nowNanoseconds()) { return true }
            return false
        } && wait(0.5) { loop.status().motorOn }
    }

    /// Pulls the cartridge and seats a fresh one (one cartridge serves one session, and
    /// every trip ends its session), then waits until the loop has read it as unused.
    func seatNewCartridge(_ number: Int) -> Bool {
        pen.removeCartridge()
        guard wait(0.5, until: { loop.status().cartridge == .absent }) else { return false }
        pen.insertCartridge(serial: "BENCH\(number)", lot: "BENCH-LOT", needles: 36)
        return wait(0.5) {
            if case .identified(let info) = loop.status().cartridge { !info.used } else { false }
        }
    }

    /// Settles the collar at `depth` and clears the faults a trip left (at most 1 s).
    func clearAtDepth(_ depth: Double) -> Bool {
        wait(1, until: {
            guard settle(at: depth) else { return false }
            _ = loop.command(.clear, nowNs: clock.nowNanoseconds())
            return loop.status().faults.isEmpty
        })
    }

    /// Run at 0.95 mm in home mode on a fresh cartridge, push the collar to 1.10 mm, wait
    /// for the trip.
    func overDepthCycle(_ number: Int) -> Bool {
        guard clearAtDepth(0.95), seatNewCartridge(number), startTreatment(depth: 0.95, speed: 5) else { return false }
        pen.setDepth(mm: 1.10)
        return wait(0.5) { loop.status().faults.contains(.depthLimit) }
    }
}
