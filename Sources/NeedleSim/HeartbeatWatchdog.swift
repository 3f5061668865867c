/// The retriggerable monostable between the heartbeat line and motor power: each level
/// change of the heartbeat retriggers it; without one for longer than its period, motor
/// power is cut until the heartbeat toggles again. At power-up it has never been
/// triggered, so the motor has no power until the daemon starts beating.
struct HeartbeatWatchdog: Sendable {
    let timeoutNs: UInt64
    private(set) var level = false
    private(set) var lastToggleNs: UInt64?

    init(timeoutNs: UInt64) {
        self.timeoutNs = timeoutNs
    }

    /// Records the heartbeat output's new level; only a change retriggers.
    mutating func set(level newLevel: Bool, at nowNs: UInt64) {
        guard newLevel != level else { return }
        level = newLevel
        lastToggleNs = nowNs
    }

    /// Whether motor power is on at `nowNs`.
    func powered(at nowNs: UInt64) -> Bool {
        guard let last = lastToggleNs else { return false }
        return nowNs < last || nowNs - last <= timeoutNs
    }
}
