import Testing

@testable import NeedleProtocol

/// Issue 12's wire additions: base64 of backup chunks, note, history paging, backup.
@Suite("Protocol: notes, paging, backup")
struct RecordsArgumentsTests {
    @Test("base64 gives RFC 4648's test vectors and reads them back; malformed input is refused")
    func base64() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
        let all = (0...255).map { UInt8($0) }
        #expect(Base64.decode(Base64.encode(all)) == all)
        for bad in ["Zg", "Zg=", "Z===", "Zg=a", "Zm9v!A==", "=Zg=", "Zm9v\nYg==", " Zm9v"] { #expect(Base64.decode(bad) == nil, "\(bad)") }
    }

    @Test("note: an event from the list, a session id, text bounded and without control characters")
    func note() throws {
        let note = try Command(name: "note", arguments: ["session": .integer(3), "event": .string("scarring"), "text": .string("raised, 2 mm")])
        #expect(note == .note(try NoteArguments(session: 3, event: .scarring, text: "raised, 2 mm")))
        #expect(throws: ProtocolError.self) { try Command(name: "note", arguments: ["session": .integer(3), "event": .string("rash")]) }
        #expect(throws: ProtocolError.self) { try Command(name: "note", arguments: ["event": .string("pain")]) }
        #expect(throws: ProtocolError.self) {
            try NoteArguments(session: 1, event: .other, text: String(repeating: "x", count: NoteArguments.maxTextLength + 1))
        }
        #expect(throws: ProtocolError.self) { try NoteArguments(session: 1, event: .other, text: "a\nb") }
    }

    @Test("history: limit 1–100 (100 by default), before or after but not both")
    func historyPaging() throws {
        #expect(try HistoryArguments().limit == HistoryArguments.maxPage)
        #expect(throws: ProtocolError.self) { try HistoryArguments(limit: 101) }
        #expect(throws: ProtocolError.self) { try HistoryArguments(limit: 0) }
        #expect(throws: ProtocolError.self) { try HistoryArguments(before: 5, after: 2) }
        let paged = try Command(name: "history", arguments: ["limit": .integer(10), "before": .integer(50)])
        #expect(paged == .history(try HistoryArguments(limit: 10, before: 50)))
    }

    @Test("backup: an offset needs the token of the copy it reads")
    func backup() throws {
        #expect(try BackupArguments().token == nil)
        #expect(throws: ProtocolError.self) { try BackupArguments(offset: 100) }
        #expect(try BackupArguments(token: 1, offset: 100).offset == 100)
    }
}
