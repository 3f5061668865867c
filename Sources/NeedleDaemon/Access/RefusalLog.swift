import Logging
import Synchronization

/// Refusal log lines, rate-limited per uid (issue 9 §2.20). A peer without a role can be
/// refused some 1,600 times a second; logged one by one, that spends journald's per-service
/// budget (RateLimitBurst=10000 per 30 s by default) within seconds, and journald then
/// drops every line of the service, `fault latched` included. Each uid gets a token bucket
/// (per uid, not per pid: a peer makes new pids for free), and all uids share one more;
/// what is not logged is counted and reported in one summary line per uid and period.
/// Faults and state changes are logged elsewhere (EventJournal, the router's journal
/// lines) and never pass through here.
public final class RefusalLog: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Lines one uid may log back to back.
        public var burstPerUID: Int
        /// Sustained lines per second per uid.
        public var linesPerSecondPerUID: Int
        /// Lines all uids together may log back to back, and per second.
        public var burstTotal: Int
        public var linesPerSecondTotal: Int
        /// How often, at most, a uid's "N refusals not logged" summary is written.
        public var summaryIntervalNs: UInt64
        /// Uids tracked one by one; further ones share one entry.
        public var maxTrackedUIDs: Int

        public init(
            burstPerUID: Int = 10, linesPerSecondPerUID: Int = 1, burstTotal: Int = 50, linesPerSecondTotal: Int = 10,
            summaryIntervalNs: UInt64 = 10_000_000_000, maxTrackedUIDs: Int = 256
        ) {
            self.burstPerUID = burstPerUID
            self.linesPerSecondPerUID = linesPerSecondPerUID
            self.burstTotal = burstTotal
            self.linesPerSecondTotal = linesPerSecondTotal
            self.summaryIntervalNs = summaryIntervalNs
            self.maxTrackedUIDs = maxTrackedUIDs
        }
    }

    private struct Peer {
        var bucket: TokenBucket
        var suppressed = 0
        var suppressedSinceNs: UInt64 = 0
    }

    private struct State {
        var peers: [UInt32: Peer] = [:]
        var total: TokenBucket
    }

    /// The key shared by every uid beyond `maxTrackedUIDs`.
    static let overflowKey = UInt32.max

    public let limits: Limits
    private let logger: Logger
    private let state: Mutex<State>

    public init(logger: Logger, limits: Limits = Limits(), nowNs: UInt64) {
        self.logger = logger
        self.limits = limits
        state = Mutex(State(total: TokenBucket(rate: limits.linesPerSecondTotal, burst: limits.burstTotal, nowNs: nowNs)))
    }

    /// Logs one refusal of `uid` with `write`, or counts it for the next summary.
    public func refused(uid: UInt32, nowNs: UInt64, _ write: (Logger) -> Void) {
        let (allowed, summaries) = state.withLock { state -> (Bool, [Summary]) in
            let summaries = Self.dueSummaries(&state, nowNs: nowNs, limits: limits)
            var key = uid
            if state.peers[key] == nil, state.peers.count >= limits.maxTrackedUIDs {
                Self.forgetQuiet(&state, nowNs: nowNs)
                if state.peers.count >= limits.maxTrackedUIDs { key = Self.overflowKey }
            }
            var peer = state.peers[key]
                ?? Peer(bucket: TokenBucket(rate: limits.linesPerSecondPerUID, burst: limits.burstPerUID, nowNs: nowNs))
            let allowed = peer.bucket.take(nowNs: nowNs) && state.total.take(nowNs: nowNs)
            if !allowed {
                if peer.suppressed == 0 { peer.suppressedSinceNs = nowNs }
                peer.suppressed += 1
            }
            state.peers[key] = peer
            return (allowed, summaries)
        }
        emit(summaries)
        if allowed { write(logger) }
    }

    /// Writes the summaries that are due (called periodically, so a flood that stopped is
    /// still reported).
    public func flush(nowNs: UInt64) {
        emit(state.withLock { Self.dueSummaries(&$0, nowNs: nowNs, limits: limits) })
    }

    /// Refusals counted and not yet reported, for every uid.
    public var pendingSuppressed: Int { state.withLock { $0.peers.values.reduce(0) { $0 + $1.suppressed } } }

    private struct Summary {
        var uid: UInt32
        var count: Int
        var seconds: UInt64
    }

    private func emit(_ summaries: [Summary]) {
        for summary in summaries {
            let who = summary.uid == Self.overflowKey ? "other uids" : "uid \(summary.uid)"
            logger.warning("\(summary.count) refusals of \(who) not logged in the last \(summary.seconds) s (rate limit)", metadata: [
                "uid": "\(summary.uid == Self.overflowKey ? "other" : "\(summary.uid)")", "suppressed": "\(summary.count)",
            ])
        }
    }

    private static func dueSummaries(_ state: inout State, nowNs: UInt64, limits: Limits) -> [Summary] {
        var due: [Summary] = []
        for (uid, peer) in state.peers where peer.suppressed > 0 && nowNs &- peer.suppressedSinceNs >= limits.summaryIntervalNs {
            due.append(Summary(uid: uid, count: peer.suppressed, seconds: (nowNs &- peer.suppressedSinceNs) / 1_000_000_000))
            state.peers[uid]?.suppressed = 0
        }
        return due.sorted { $0.uid < $1.uid }
    }

    /// Drops uids with nothing pending (their bucket refills to full soon anyway).
    private static func forgetQuiet(_ state: inout State, nowNs: UInt64) {
        state.peers = state.peers.filter { $0.value.suppressed > 0 }
    }
}
