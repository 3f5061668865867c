import NeedleCore
import NeedleProtocol

/// `calibrate`: the two-point depth calibration, from the socket to the disk.
///
/// `zero` captures the collar's raw angle at 0 mm. `span` captures it at a known depth, lets
/// the core compute the calibration, stores it (atomically) and only then puts it in use: the
/// pen never measures with a scale that a restart would lose, and a failed save changes
/// nothing at all. The save is the one piece of disk I/O on a server thread (a ~100-byte file
/// and two fsyncs); it runs only on a clinician's request while the motor is stopped.
extension CommandRouter {
    func calibrate(_ step: CalibrationStep, peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        calibrationLock.withLock { _ in
            switch step {
            case .zero: calibrateZero(peer: peer)
            case .span(let depthMM): calibrateSpan(depthMM: depthMM, peer: peer)
            }
        }
    }

    private func calibrateZero(peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        if case .failure(let refusal) = loop.command(.calibrateZero, nowNs: clock.nowNanoseconds()) {
            return .failure(wire(refusal, peer: peer))
        }
        let zero = loop.status().pendingZeroCounts.map { String($0) } ?? "?"
        logger.notice("calibration zero captured", metadata: ["zero_counts": "\(zero)", "uid": "\(peer.uid)"])
        return .success(.message(
            "zero captured at \(zero) counts; turn the collar to a known depth and run calibrate span"))
    }

    private func calibrateSpan(depthMM: Double, peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        // The core puts a calibration in use only while idle (or faulted): checked first, so
        // that nothing is computed or stored for a pen that could not use it.
        let state = loop.status().state
        guard state == .idle || state == .fault else {
            return .failure(ProtocolError(
                .busy, "calibrate span needs the pen idle (now \(state.rawValue)): stop and disarm first; nothing was stored"))
        }
        if case .failure(let refusal) = loop.command(.calibrateSpan(depthMM: depthMM), nowNs: clock.nowNanoseconds()) {
            return .failure(wire(refusal, peer: peer))
        }
        guard let candidate = loop.status().calibrationCandidate else {
            return .failure(ProtocolError(.internal, "the span gave no calibration; nothing was stored"))
        }
        let store = calibrationStore
        if case .failure(let error) = store.save(candidate) {
            logger.error("calibration not stored; the one in use is unchanged", metadata: [
                "file": "\(store.path)", "error": "\(error)", "uid": "\(peer.uid)",
            ])
            return .failure(ProtocolError(
                .storageFailed,
                "could not store the calibration: \(error) (\(store.path)); the calibration in use is unchanged"))
        }
        let described = Self.describe(candidate)
        if case .failure(let refusal) = loop.command(.setCalibration(candidate), nowNs: clock.nowNanoseconds()) {
            // Only a state change between the check above and now gets here: the file
            // already holds the new calibration, so say so rather than pretend nothing changed.
            logger.error("calibration stored but not put in use", metadata: [
                "file": "\(store.path)", "reason": "\(refusal.message)", "uid": "\(peer.uid)",
            ])
            let error = wire(refusal, peer: peer)
            return .failure(ProtocolError(
                error.code,
                "the calibration (\(described)) was stored in \(store.path) but is not in use: \(refusal.message); "
                    + "it applies at the next start of needled, or calibrate again"))
        }
        logger.notice("depth calibration stored and in use", metadata: [
            "zero_counts": "\(candidate.zeroCounts)", "mm_per_count": "\(candidate.mmPerCount)",
            "span_depth_mm": "\(logText(depthMM))", "file": "\(store.path)", "uid": "\(peer.uid)", "pid": "\(peer.pid)",
        ])
        return .success(.message("calibrated: \(described); stored in \(store.path) and in use"))
    }

    /// "zero 512 counts, 0.001 mm/count".
    static func describe(_ calibration: DepthCalibration) -> String {
        let zero = calibration.zeroCounts
        let counts = zero == zero.rounded() && abs(zero) < 1e9 ? String(Int(zero)) : String(zero)
        return "zero \(counts) counts, \(calibration.mmPerCount) mm/count"
    }
}
