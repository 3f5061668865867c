import Logging
import NeedleCore
import NeedleRecords
import Synchronization

/// Writes each treatment session to the record store: a row when the motor first starts,
/// progress every `progressIntervalNs` while it is open (so a killed daemon leaves its
/// numbers up to then), and the close with its end reason.
///
/// It watches the supervisor's `SupervisorStatus.session` from its own thread (`observe`
/// is called there, every 100 ms): disk writes wait for fsync, so they never run on the
/// control loop or the socket threads. `progress` belongs to that thread (its lock is
/// never contended); the router only touches `armedBy` and `lastFailure`.
public final class TreatmentRecorder: Sendable {
    public static let progressIntervalNs: UInt64 = 1_000_000_000

    public let store: TreatmentRecordStore
    let wallClock: any WallClock
    let logger: Logger
    private let progress = Mutex(Progress())
    /// Who armed the plan now armed (the next session's `peer_uid`).
    private let armedBy = Mutex<UInt32?>(nil)
    /// The last write's failure, until a write succeeds again.
    private let lastFailure = Mutex<RecordStoreError?>(nil)
    /// The open session's trace (mutated in place under the lock: copying a 6,000-sample
    /// buffer out and back every 100 ms would be a copy per sample). A closed session's is
    /// in the records, written with its close.
    private let traces = Mutex(Traces())

    struct Traces: Sendable {
        var open: (rowID: Int64, trace: SessionTrace)?

        mutating func close() { open = nil }
    }

    struct Tracked: Sendable {
        var sequence: UInt64
        var rowID: Int64
        var startedAtMs: Int64
        var peerUID: UInt32?
        var lastWriteNs: UInt64
    }

    struct Progress: Sendable {
        /// The open session's row.
        var tracked: Tracked?
        /// The highest session sequence whose row is closed.
        var closedThrough: UInt64 = 0
    }

    /// `simulated` or `linux`, written into every row (nil: not said, in some tests).
    let backend: String?

    /// What a session needs free before it is armed (nil: not checked, in some tests).
    let freeSpace: FreeSpace?

    public init(
        store: TreatmentRecordStore, wallClock: any WallClock, logger: Logger, backend: String? = nil,
        freeSpace: FreeSpace? = nil
    ) {
        self.freeSpace = freeSpace
        self.backend = backend
        self.store = store
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Closes, as `interrupted`, every session a previous run left open (it was killed, or
    /// the power went). Called once at start-up, before the loop runs.
    public func recoverInterrupted() throws(RecordStoreError) {
        for record in try store.closeInterrupted() {
            logger.warning("treatment session closed as interrupted: the daemon stopped while it was open", metadata: [
                "record": "\(record.id ?? 0)", "area": "\(record.area ?? "-")", "strokes": "\(record.strokes)",
            ])
        }
    }

    /// The peer whose `arm` was accepted: the next session's `peer_uid`.
    public func noteArmed(by uid: UInt32) {
        armedBy.withLock { $0 = uid }
    }

    /// Why the last write failed, while it keeps failing (arming is refused meanwhile: a
    /// session the pen cannot record is not started).
    public var failure: RecordStoreError? { lastFailure.withLock { $0 } }

    /// Records what changed in `status.session` since the last call. `nowNs` is the
    /// monotonic time the status was taken at (the tally's times are monotonic).
    public func observe(_ status: SupervisorStatus, nowNs: UInt64) {
        guard let tally = status.session else { return }
        var bookkeeping = progress.withLock { $0 }
        // Every way out, early returns included, keeps what was written.
        defer { progress.withLock { [bookkeeping] in $0 = bookkeeping } }
        let arming = armedBy.withLock { $0 }
        let nowMs = wallClock.nowUnixMs()
        func wallMs(_ ns: UInt64) -> Int64 { nowMs - Int64(nowNs.nanoseconds(since: ns) / 1_000_000) }
        do throws(RecordStoreError) {
            // A session that closed and was followed by another between two looks: its
            // close is in `previousSession`.
            if let tracked = bookkeeping.tracked, tracked.sequence != tally.sequence,
               let previous = status.previousSession, previous.sequence == tracked.sequence, previous.end != nil {
                try write(previous, tracked, closedAtMs: previous.closedNs.map(wallMs), nowMs: nowMs)
                traces.withLock { $0.close() }
                bookkeeping.tracked = nil
                bookkeeping.closedThrough = previous.sequence
            }
            if bookkeeping.tracked?.sequence != tally.sequence {
                guard tally.sequence > bookkeeping.closedThrough else { return }
                var opening = SessionRecord.record(
                    tally, backend: backend, startedAtMs: wallMs(tally.openedNs), endedAtMs: nil, updatedAtMs: nowMs,
                    peerUID: arming, id: nil)
                opening.endReason = nil
                let rowID = try store.open(opening)
                traces.withLock {
                    $0.close()
                    $0.open = (rowID, SessionTrace())
                }
                bookkeeping.tracked = Tracked(
                    sequence: tally.sequence, rowID: rowID, startedAtMs: opening.startedAtMs,
                    peerUID: arming, lastWriteNs: nowNs)
                logger.notice("treatment session opened", metadata: [
                    "record": "\(rowID)", "area": "\(tally.plan.area ?? "-")", "depth_mm": "\(logText(tally.plan.targetDepthMM))",
                    "cartridge": "\(tally.cartridge?.serial.text ?? "-")", "client": "\(tally.plan.client ?? "-")", "override": "\(tally.plan.override)",
                ])
            }
            guard var tracked = bookkeeping.tracked else { return }
            sample(status, tally: tally, rowID: tracked.rowID, nowNs: nowNs)
            if tally.end != nil {
                try write(tally, tracked, closedAtMs: tally.closedNs.map(wallMs), nowMs: nowMs)
                bookkeeping.tracked = nil
                bookkeeping.closedThrough = tally.sequence
                traces.withLock { $0.close() }
                logger.notice("treatment session closed", metadata: [
                    "record": "\(tracked.rowID)", "end": "\(tally.end?.code ?? "-")", "strokes": "\(tally.strokes)",
                ])
            } else if nowNs.nanoseconds(since: tracked.lastWriteNs) >= Self.progressIntervalNs {
                try write(tally, tracked, closedAtMs: nil, nowMs: nowMs)
                tracked.lastWriteNs = nowNs
                bookkeeping.tracked = tracked
            }
            lastFailure.withLock { $0 = nil }
        } catch {
            let repeated = lastFailure.withLock { failure in
                defer { failure = error }
                return failure == error
            }
            if !repeated { logger.error("treatment record could not be written", metadata: ["error": "\(error)"]) }
        }
    }

    /// The daemon is stopping: the open session (the motor is already off) is written with
    /// its final numbers and closed as `interrupted`.
    public func finish(_ status: SupervisorStatus, nowNs: UInt64) {
        observe(status, nowNs: nowNs)
        guard let tally = status.session, tally.end == nil,
              let tracked = progress.withLock({ $0.tracked }), tracked.sequence == tally.sequence
        else { return }
        let nowMs = wallClock.nowUnixMs()
        var record = SessionRecord.record(
            tally, backend: backend, startedAtMs: tracked.startedAtMs, endedAtMs: nil, updatedAtMs: nowMs, peerUID: tracked.peerUID,
            id: tracked.rowID)
        record.endReason = TreatmentRecordStore.interruptedEndReason
        record.endedAtMs = nowMs
        do {
            try store.update(record, trace: openTrace(rowID: tracked.rowID))
            progress.withLock { $0.tracked = nil }
            traces.withLock { $0.close() }
            logger.notice("treatment session closed as interrupted: the daemon is stopping", metadata: [
                "record": "\(tracked.rowID)", "strokes": "\(tally.strokes)",
            ])
        } catch {
            logger.error("treatment record could not be closed", metadata: ["error": "\(error)"])
        }
    }

    /// One trace sample of the open session, from the status the loop published.
    private func sample(_ status: SupervisorStatus, tally: SessionTally, rowID: Int64, nowNs: UInt64) {
        guard tally.end == nil else { return }
        let sinceOpenMs = Int64(nowNs.nanoseconds(since: tally.openedNs) / 1_000_000)
        traces.withLock { traces in
            guard traces.open?.rowID == rowID else { return }
            traces.open?.trace.append(timeMs: sinceOpenMs, depthMM: status.depthMM, strokeRateHz: status.strokeRateHz)
        }
    }

    /// The open session's trace if `id` is the open session (closed ones: `store.trace`).
    func trace(ofRecord id: Int64) -> SessionTrace? {
        traces.withLock { traces in traces.open?.rowID == id ? traces.open?.trace : nil }
    }

    private func write(_ tally: SessionTally, _ tracked: Tracked, closedAtMs: Int64?, nowMs: Int64) throws(RecordStoreError) {
        let record = SessionRecord.record(
            tally, backend: backend, startedAtMs: tracked.startedAtMs, endedAtMs: closedAtMs, updatedAtMs: nowMs, peerUID: tracked.peerUID,
            id: tracked.rowID)
        try store.update(record, trace: record.isClosed ? openTrace(rowID: tracked.rowID) : nil)
    }

    /// The open session's trace as the records keep it, for the write that closes it (on
    /// the recorder's thread: the conversion is 6,000 samples at most, never in a tick).
    private func openTrace(rowID: Int64) -> RecordedTrace? {
        traces.withLock { traces in traces.open?.rowID == rowID ? traces.open?.trace.recorded : nil }
    }
}
