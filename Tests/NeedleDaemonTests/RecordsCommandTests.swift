#if canImport(Glibc)
import Glibc
#endif
import Logging
import NeedleCore
import NeedleProtocol
@testable import NeedleRecords
import NeedleSim
import Testing
@testable import NeedleDaemon

/// The records commands of issue 12 at the router: the free-space check on `arm`, `note`,
/// `verify`, paged `history` with notes.
@Suite("Records commands: free space, notes, verify, paging")
struct RecordsCommandTests {
    static let `operator` = PeerCredentials(pid: 31, uid: 1002, gid: 1002)
    let wall = ManualWallClock()

    func router(freeBytes: Int64? = 1 << 40) throws -> (CommandRouter, SimLoopHarness, TreatmentRecordStore) {
        let h = SimLoopHarness()
        let store = try TreatmentRecordStore.inMemory()
        let free = FreeSpace(directory: "/records", minimumBytes: 64 << 20, available: { _ in freeBytes })
        let recorder = TreatmentRecorder(store: store, wallClock: wall, logger: Logger(label: "test"), freeSpace: free)
        let router = CommandRouter(
            loop: h.loop, clock: h.clock, policy: AccessPolicy(operatorUIDs: [1002], clinicianUIDs: [1003]),
            hardware: .simulated, sim: SimControl(pen: h.pen), calibrationStore: .nowhere,
            logger: Logger(label: "test"), groupsOf: { _ in [] }, records: recorder, wallClock: wall)
        h.tick(60)
        return (router, h, store)
    }

    func failure(_ result: Result<ResultPayload, ProtocolError>) -> ProtocolError? {
        if case .failure(let error) = result { error } else { nil }
    }

    func object(_ result: Result<ResultPayload, ProtocolError>) -> [String: JSONValue] {
        if case .success(.json(.object(let fields))) = result { fields } else { [:] }
    }

    @Test("arm is refused storage_failed when the records' file system has less free space than needed, or cannot tell")
    func freeSpaceChecked() throws {
        for free in [Int64(10 << 20), nil] {
            let (r, h, _) = try router(freeBytes: free)
            let refused = failure(r.handle(.arm(try ArmArguments(area: "forehead")), from: Self.operator))
            #expect(refused?.code == .storageFailed)
            #expect(refused?.message.contains(free == nil ? "cannot be read" : "only 10 MiB free") == true, "\(refused?.message ?? "")")
            #expect(h.loop.status().state == .idle, "nothing is armed")
        }
        let (r, h, _) = try router(freeBytes: 64 << 20)
        #expect(failure(r.handle(.arm(try ArmArguments(area: "forehead")), from: Self.operator)) == nil)
        #expect(h.loop.status().state == .armed)
    }

    @Test("note: appended to a session, shown in its history row; a note on no session is unknown_session")
    func noteShown() throws {
        let (r, _, store) = try router()
        let now = wall.nowUnixMs()
        _ = try store.open(TreatmentRecord(startedAtMs: now, updatedAtMs: now, mode: "home", area: "neck", targetDepthMM: 0.5, speedLevel: 5))
        let added = object(r.handle(.note(try NoteArguments(session: 1, event: .infection, text: "redness, day 3")), from: Self.operator))
        #expect(added["hash"].map { if case .string(let h) = $0 { h.count == 64 } else { false } } == true)
        #expect(failure(r.handle(.note(try NoteArguments(session: 7, event: .pain)), from: Self.operator))?.code == .unknownSession)
        let history = object(r.handle(.history(try HistoryArguments()), from: Self.operator))
        guard case .array(let rows)? = history["sessions"], case .object(let row)? = rows.first,
              case .array(let notes)? = row["notes"], case .object(let note)? = notes.first
        else { Issue.record("no notes in \(history)"); return }
        #expect(note["event"] == .string("infection") && note["text"] == .string("redness, day 3"))
        #expect(note["uid"] == .integer(1002))
    }

    @Test("verify: intact, then a sealed row edited behind the daemon's back is named")
    func verifyNamesTheRow() throws {
        let (r, _, store) = try router()
        let now = wall.nowUnixMs()
        for offset in [0, 1] as [Int64] {
            var session = TreatmentRecord(startedAtMs: now + offset, updatedAtMs: now, mode: "home", area: "neck", targetDepthMM: 0.5, speedLevel: 5)
            session.id = try store.open(session)
            session.endedAtMs = now + 1000
            session.endReason = "completed"
            try store.update(session)
        }
        let intact = object(r.handle(.verify, from: Self.operator))
        #expect(intact["intact"] == .bool(true) && intact["entries"] == .integer(2))
        try store.write("tamper") { db in
            try db.executeScript("DROP TRIGGER treatment_session_closed_is_immutable; UPDATE treatment_session SET strokes = 1 WHERE id = 2")
        }
        let broken = object(r.handle(.verify, from: Self.operator))
        #expect(broken["intact"] == .bool(false))
        #expect(broken["first_mismatch"].map { if case .object(let m) = $0 { m["id"] == .integer(2) && m["kind"] == .string("session") } else { false } } == true)
    }

    @Test("history pages: 250 sessions in pages of 100, next_before leading to the oldest, every row once")
    func historyPages() throws {
        let (r, _, store) = try router()
        let now = wall.nowUnixMs()
        for index in 0..<250 {
            _ = try store.open(TreatmentRecord(
                startedAtMs: now + Int64(index), updatedAtMs: now, mode: "home", area: "neck", targetDepthMM: 0.5, speedLevel: 5))
        }
        var ids: [Int64] = []
        var before: Int64?
        var pages = 0
        repeat {
            let page = object(r.handle(.history(try HistoryArguments(before: before)), from: Self.operator))
            guard case .array(let rows)? = page["sessions"] else { break }
            ids = rows.compactMap { if case .object(let row) = $0, case .integer(let id)? = row["id"] { id } else { nil } } + ids
            pages += 1
            if case .integer(let next)? = page["next_before"] { before = next } else { before = nil }
        } while before != nil && pages < 10
        #expect(pages == 3)
        #expect(ids == Array(1...250))
    }

    @Test("backup copies left by a killed daemon are removed at start; other files are not")
    func leftoversRemoved() throws {
        let directory = "/tmp/needle-backup-leftovers-\(getpid())"
        mkdir(directory, 0o700)
        defer { rmdir(directory) }
        for name in ["backup-41-1.sqlite", "backup-41-2.sqlite.tmp-41", "treatments.sqlite"] {
            close(open(directory + "/" + name, O_CREAT | O_WRONLY, 0o600))
        }
        #expect(BackupCopies.removeLeftovers(in: directory) == 2)
        #expect(access(directory + "/treatments.sqlite", F_OK) == 0)
        #expect(access(directory + "/backup-41-1.sqlite", F_OK) != 0)
        unlink(directory + "/treatments.sqlite")
    }

    @Test("backup: read to its end, the copy is gone and its token refused; an unknown token is refused; records in memory cannot be backed up")
    func backupChunks() throws {
        let (memory, _, _) = try router()
        #expect(failure(memory.handle(.backup(try BackupArguments()), from: Self.operator))?.code == .storageFailed)

        let directory = "/tmp/needle-backup-router-\(getpid())"
        mkdir(directory, 0o700)
        defer { _ = BackupCopies.removeLeftovers(in: directory); for suffix in ["", "-wal", "-shm"] { unlink(directory + "/treatments.sqlite" + suffix) }; rmdir(directory) }
        let h = SimLoopHarness()
        let store = try TreatmentRecordStore(path: directory + "/treatments.sqlite")
        let r = CommandRouter(
            loop: h.loop, clock: h.clock, policy: AccessPolicy(operatorUIDs: [1002], clinicianUIDs: [1003]),
            hardware: .simulated, sim: SimControl(pen: h.pen), calibrationStore: .nowhere, logger: Logger(label: "test"),
            groupsOf: { _ in [] }, records: TreatmentRecorder(store: store, wallClock: wall, logger: Logger(label: "test")),
            wallClock: wall)
        let first = object(r.handle(.backup(try BackupArguments()), from: Self.operator))
        guard case .integer(let token)? = first["token"], case .integer(let size)? = first["size"],
              case .string(let data)? = first["data"], let bytes = Base64.decode(data)
        else { Issue.record("no copy: \(first)"); return }
        #expect(bytes.count == Int(size) && first["done"] == .bool(true), "a new file fits one chunk")
        #expect(bytes.starts(with: Array("SQLite format 3".utf8)))
        #expect(failure(r.handle(.backup(try BackupArguments(token: token, offset: 0)), from: Self.operator))?.code == .invalidRequest,
                "read to its end, the copy is gone")
        #expect(failure(r.handle(.backup(try BackupArguments(token: 99, offset: 0)), from: Self.operator))?.code == .invalidRequest)
        #expect(BackupCopies.removeLeftovers(in: directory) == 0, "nothing left behind")
    }

    @Test("records commands and arm run off the event loop; status and stop do not")
    func offLoop() throws {
        let (r, _, _) = try router()
        #expect(r.runsOffEventLoop(.history(try HistoryArguments())))
        #expect(r.runsOffEventLoop(.verify))
        #expect(r.runsOffEventLoop(.backup(try BackupArguments())))
        #expect(r.runsOffEventLoop(.arm(try ArmArguments(area: "neck"))), "it reads the records too")
        #expect(!r.runsOffEventLoop(.status))
        #expect(!r.runsOffEventLoop(.stop))
    }
}
