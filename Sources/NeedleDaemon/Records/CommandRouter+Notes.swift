import NeedleProtocol
import NeedleRecords

/// `note` (a follow-up finding appended to a session) and `verify` (the hash chain).
extension CommandRouter {
    func note(_ arguments: NoteArguments, peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        guard let recorder = records else { return .failure(Self.noRecords) }
        let note = SessionNote(
            sessionID: arguments.session, recordedAtMs: wallClock.nowUnixMs(), event: arguments.event.rawValue,
            text: arguments.text, peerUID: Int(peer.uid))
        do throws(RecordStoreError) {
            let (stored, hash) = try recorder.store.addNote(note)
            // The finding, not its text: free text stays in the records, out of the journal.
            logger.notice("note added to a treatment session", metadata: [
                "record": "\(arguments.session)", "note": "\(stored.id ?? 0)", "event": "\(arguments.event.rawValue)",
                "uid": "\(peer.uid)",
            ])
            return .success(.json(.object(["note": RecordWire.json(stored), "hash": .string(hash)])))
        } catch .noSuchSession {
            return .failure(logRefused(
                ProtocolError(.unknownSession, "no treatment session \(arguments.session) (needlectl history lists them)"), peer: peer))
        } catch {
            return .failure(ProtocolError(.storageFailed, "the note could not be recorded: \(error)"))
        }
    }

    /// `{"intact": Bool, "entries": N, "head": "…", "first_mismatch": {"kind","id","reason"}|null}`.
    func verify() -> Result<ResultPayload, ProtocolError> {
        guard let recorder = records else { return .failure(Self.noRecords) }
        do {
            let verdict = try recorder.store.verifyChain()
            if let mismatch = verdict.firstMismatch {
                logger.error("treatment records fail their hash chain", metadata: [
                    "kind": "\(mismatch.kind)", "id": "\(mismatch.id)", "reason": "\(mismatch.reason)",
                ])
            }
            return .success(.json(.object([
                "intact": .bool(verdict.intact),
                "entries": .integer(Int64(verdict.entries)),
                "head": .string(verdict.head),
                "first_mismatch": verdict.firstMismatch.map {
                    .object(["kind": .string($0.kind), "id": .integer($0.id), "reason": .string($0.reason)])
                } ?? .null,
            ])))
        } catch {
            return .failure(ProtocolError(.storageFailed, "treatment records cannot be read: \(error)"))
        }
    }

    /// Records commands wait for the disk: the server answers them on its thread pool.
    /// `arm` too: its interval and cartridge look-ups share the read connection with them,
    /// and may wait for a page of history to be read.
    public func runsOffEventLoop(_ command: Command) -> Bool {
        switch command {
        case .history, .plan, .session, .note, .verify, .backup, .arm: true
        default: false
        }
    }
}
