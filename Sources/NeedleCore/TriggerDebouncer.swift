/// Debounces the trigger in software (DESIGN.md §4: "debounce in software").
///
/// A switch bounces for a few milliseconds on press and on release; counting its edges
/// would let one bouncing press start and stop the motor several times. A press counts
/// once the line has read pressed, with no edge in between, for `debounceNs` after it had
/// read released just as steadily. Any edge restarts the wait, so a bounce is never a press.
/// Pure and allocation-free: the supervisor calls it every tick.
struct TriggerDebouncer: Sendable {
    /// The level that has been steady long enough to believe.
    private(set) var steadyPressed = false
    /// The level being watched, and since when it has held without an edge.
    private var candidatePressed = false
    private var candidateSinceNs: UInt64

    init(startNs: UInt64) {
        candidateSinceNs = startNs
    }

    /// Feeds one tick's view of the trigger: its level now and how many edges the line saw
    /// since the previous tick. Returns true once per debounced press.
    mutating func update(pressed: Bool, edges: Int, nowNs: UInt64, debounceNs: UInt64) -> Bool {
        if pressed != candidatePressed || edges > 0 {
            candidatePressed = pressed
            candidateSinceNs = nowNs
        }
        guard candidatePressed != steadyPressed, nowNs.nanoseconds(since: candidateSinceNs) >= debounceNs else {
            return false
        }
        steadyPressed = candidatePressed
        return steadyPressed
    }
}
