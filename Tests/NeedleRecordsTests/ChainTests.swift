import CSQLite
import Foundation
import Testing

@testable import NeedleRecords

/// Notes, the hash chain and its verification, traces kept with the record.
@Suite("Records: notes, hash chain, traces")
struct ChainTests {
    @Test("SHA-256 gives FIPS 180-4's digests for its test messages")
    func sha256Vectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("a note is appended to its session and read back; one on no session is refused; notes cannot be edited")
    func noteAppended() throws {
        let store = try TreatmentRecordStore.inMemory()
        let session = try recordClosedSession(store, openSession())
        let id = try #require(session.id)
        let (note, hash) = try store.addNote(SessionNote(
            sessionID: id, recordedAtMs: 1_700_100_000_000, event: "infection", text: "redness on day 3", peerUID: 1000))
        #expect(note.id == 1 && hash.count == 64)
        #expect(try store.notes(sessionIDs: [id]) == [id: [note]])
        #expect(storeError { _ = try store.addNote(SessionNote(sessionID: 99, recordedAtMs: 0, event: "pain", text: nil, peerUID: nil)) }
            == .noSuchSession(id: 99))
        let edit = storeError {
            try store.write("edit a note") { db in try db.execute("UPDATE session_note SET event = 'other'") }
        }
        #expect(edit == .sqlite(operation: "edit a note", code: 19, message: "notes are never edited, only added"))
        let delete = storeError {
            try store.write("delete a note") { db in try db.execute("DELETE FROM session_note") }
        }
        #expect(delete == .sqlite(operation: "delete a note", code: 19, message: "notes are never deleted"))
    }

    @Test("a closed session's trace is kept with its record and read back as written")
    func traceKept() throws {
        let store = try TreatmentRecordStore.inMemory()
        var record = openSession()
        record.id = try store.open(record)
        record.endedAtMs = record.startedAtMs + 3_000
        record.updatedAtMs = record.startedAtMs + 3_000
        record.endReason = "completed"
        let trace = RecordedTrace(timeMs: [0, 100, 200], depthUM: [nil, 498, 502], strokeRateDHz: [0, 372, 944])
        try store.update(record, trace: trace)
        #expect(try store.trace(sessionID: try #require(record.id)) == trace)
        #expect(try store.trace(sessionID: 42) == nil)
        #expect(RecordedTrace(samples: 2, time: "0,1", depth: "x,", rate: "1,2") == nil)
        #expect(RecordedTrace(samples: 3, time: "0,1", depth: ",", rate: "1,2") == nil)
    }

    @Test("the chain verifies; an edit of a sealed session behind the store's back is named, trigger dropped or not")
    func chainBrokenByEdit() throws {
        try withTemporaryDirectory { directory in
            let path = "\(directory)/treatments.sqlite"
            let store = try TreatmentRecordStore(path: path)
            for start in [1_700_000_000_000, 1_700_000_100_000, 1_700_000_200_000] as [Int64] {
                _ = try recordClosedSession(store, openSession(startedAtMs: start))
            }
            _ = try store.addNote(SessionNote(sessionID: 1, recordedAtMs: 1_700_000_300_000, event: "scarring", text: nil, peerUID: 0))
            let intact = try store.verifyChain()
            #expect(intact.intact && intact.entries == 4, "\(intact)")

            // An attacker with the file: the sqlite3 C API, the immutability trigger dropped,
            // session 2's deepest depth made shallower.
            try attack(path, "DROP TRIGGER treatment_session_closed_is_immutable; UPDATE treatment_session SET depth_max_mm = 0.4 WHERE id = 2")
            let broken = try store.verifyChain()
            #expect(broken.firstMismatch?.kind == "session" && broken.firstMismatch?.id == 2, "\(broken)")
            #expect(broken.entries == 1)
        }
    }

    @Test("a note edited, a trace edited, a sealed row deleted, a closed row slipped in: each is named")
    func otherEdits() throws {
        let cases: [(sql: String, kind: String, id: Int64)] = [
            ("DROP TRIGGER session_note_is_immutable; UPDATE session_note SET text = 'fine' WHERE id = 1", "note", 1),
            ("DROP TRIGGER session_trace_is_immutable; UPDATE session_trace SET depth_um = '500,500' WHERE session_id = 1", "session", 1),
            ("DELETE FROM treatment_session WHERE id = 2", "session", 2),
            ("INSERT INTO treatment_session (started_at_ms, ended_at_ms, updated_at_ms, mode, target_depth_mm, speed_level, strokes, motor_on_s, end_reason, override) VALUES (1, 2, 2, 'home', 0.5, 3, 0, 0, 'completed', 0)", "session", 3),
        ]
        for edit in cases {
            try withTemporaryDirectory { directory in
                let path = "\(directory)/treatments.sqlite"
                let store = try TreatmentRecordStore(path: path)
                var first = openSession()
                first.id = try store.open(first)
                first.endedAtMs = first.startedAtMs + 1_000
                first.endReason = "completed"
                try store.update(first, trace: RecordedTrace(timeMs: [0, 100], depthUM: [499, 501], strokeRateDHz: [900, 940]))
                _ = try recordClosedSession(store, openSession(startedAtMs: 1_700_000_100_000))
                _ = try store.addNote(SessionNote(sessionID: 1, recordedAtMs: 1_700_000_300_000, event: "pigmentation", text: "darker", peerUID: 0))
                #expect(try store.verifyChain().intact)
                try attack(path, edit.sql)
                let verdict = try store.verifyChain()
                #expect(verdict.firstMismatch?.kind == edit.kind && verdict.firstMismatch?.id == edit.id, "\(edit.sql): \(verdict)")
            }
        }
    }

    @Test("history pages: the newest first by `before`, every row once by `after`, 250 sessions in pages of 100")
    func paging() throws {
        let store = try TreatmentRecordStore.inMemory()
        for index in 0..<250 {
            var record = openSession(startedAtMs: 1_700_000_000_000 + Int64(index) * 1000)
            record.id = try store.open(record)
        }
        let newest = try store.history(limit: 100)
        #expect(newest.compactMap(\.id) == Array(151...250))
        let before = try store.history(beforeID: 151, limit: 100)
        #expect(before.compactMap(\.id) == Array(51...150))
        var seen: [Int64] = []
        var cursor: Int64 = 0
        while true {
            let page = try store.history(afterID: cursor, limit: 100)
            guard let last = page.last?.id else { break }
            seen += page.compactMap(\.id)
            cursor = last
        }
        #expect(seen == Array(1...250))
    }

    @Test("a backup made while the store is open is owner-only, opens, and equals the source, chain included")
    func backup() throws {
        try withTemporaryDirectory { directory in
            let store = try TreatmentRecordStore(path: "\(directory)/treatments.sqlite")
            _ = try recordClosedSession(store, openSession())
            _ = try store.addNote(SessionNote(sessionID: 1, recordedAtMs: 1_700_000_300_000, event: "bleeding", text: nil, peerUID: 0))
            var open = openSession(startedAtMs: 1_700_000_100_000)
            open.id = try store.open(open)
            let copyPath = "\(directory)/backup.sqlite"
            let size = try store.backup(to: copyPath)
            #expect(size > 0)
            let mode = (try FileManager.default.attributesOfItem(atPath: copyPath)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
            #expect(!FileManager.default.fileExists(atPath: copyPath + ".tmp-\(getpid())"))
            let copy = try TreatmentRecordStore(path: copyPath)
            #expect(try copy.history() == store.history())
            #expect(try copy.notes(sessionIDs: [1]) == store.notes(sessionIDs: [1]))
            #expect(try copy.verifyChain() == store.verifyChain())
        }
    }
}

/// Edits the file as an attacker would: SQLite's C API on its own connection, no store.
private func attack(_ path: String, _ sql: String) throws {
    var handle: OpaquePointer?
    guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let handle else {
        throw SQLiteError(code: 0, message: "cannot open \(path)")
    }
    defer { sqlite3_close_v2(handle) }
    var message: UnsafeMutablePointer<CChar>?
    let code = sqlite3_exec(handle, sql, nil, nil, &message)
    defer { sqlite3_free(message) }
    guard code == SQLITE_OK else { throw SQLiteError(code: code, message: message.map { String(cString: $0) } ?? "") }
}
