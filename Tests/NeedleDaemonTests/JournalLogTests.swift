import Logging
import NeedleDaemon
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("journal logging", .timeLimit(.minutes(1)))
struct JournalLogTests {
    @Test("metadata keys become upper-case journal field names")
    func fieldNames() {
        #expect(JournalEntry.fieldName("fault") == "FAULT")
        #expect(JournalEntry.fieldName("depth_mm") == "DEPTH_MM")
        #expect(JournalEntry.fieldName("session") == "SESSION")
        #expect(JournalEntry.fieldName("uid") == "UID")
        #expect(JournalEntry.fieldName("rate-hz") == "RATE_HZ")
        #expect(JournalEntry.fieldName("_pid") == "F_PID", "a leading underscore is for journald's trusted fields")
        #expect(JournalEntry.fieldName("2fa") == "F2FA")
        #expect(JournalEntry.fieldName("message") == "META_MESSAGE", "metadata cannot overwrite MESSAGE")
        #expect(JournalEntry.fieldName(String(repeating: "a", count: 100)).utf8.count == 64)
    }

    @Test("an entry carries PRIORITY, MESSAGE, SYSLOG_IDENTIFIER and the metadata")
    func entryFields() throws {
        let bytes = JournalEntry.encode(
            level: .error, message: "fault latched: motor off",
            metadata: ["fault": "depth_limit", "depth_mm": "1.02"], identifier: "needled")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text == "PRIORITY=3\nSYSLOG_IDENTIFIER=needled\nMESSAGE=fault latched: motor off\nDEPTH_MM=1.02\nFAULT=depth_limit\n")
        #expect(JournalEntry.priority(.critical) == 2)
        #expect(JournalEntry.priority(.warning) == 4)
        #expect(JournalEntry.priority(.notice) == 5)
        #expect(JournalEntry.priority(.debug) == 7)
    }

    @Test("a multi-line value uses the binary form: NAME, newline, 64-bit LE length, bytes, newline")
    func multiLineValue() throws {
        var bytes: [UInt8] = []
        JournalEntry.append("MESSAGE", "line one\nline two", to: &bytes)
        let expected: [UInt8] = Array("MESSAGE\n".utf8) + [17, 0, 0, 0, 0, 0, 0, 0] + Array("line one\nline two\n".utf8)
        #expect(bytes == expected)
        let entry = JournalEntry.encode(
            level: .info, message: "a\nb", metadata: ["reason": "x\ny=z"], identifier: "needled")
        let fields = try #require(JournalEntry.decode(entry))
        #expect(fields.map(\.0) == ["PRIORITY", "SYSLOG_IDENTIFIER", "MESSAGE", "REASON"])
        #expect(fields[2].1 == "a\nb")
        #expect(fields[3].1 == "x\ny=z")
    }

    @Test("the handler sends one datagram per record to the journal socket")
    func handlerSendsToTheJournalSocket() throws {
        let journal = try DatagramReceiver()
        let fallback = Mutex<[String]>([])
        let sink = LogSink(journalSocket: journal.address, output: { bytes in
            fallback.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) }
        })
        #expect(sink.usesJournal)
        var logger = Logger(label: "needled") { ServiceLogHandler(label: $0, sink: sink, level: .info) }
        logger[metadataKey: "session"] = "s-42"
        logger.debug("not logged at info")
        logger.error("fault latched: motor off", metadata: ["fault": "depth_limit", "uid": "1000"])
        let fields = try #require(journal.receive().flatMap(JournalEntry.decode))
        let map = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        #expect(map["PRIORITY"] == "3")
        #expect(map["MESSAGE"] == "fault latched: motor off")
        #expect(map["SYSLOG_IDENTIFIER"] == "needled")
        #expect(map["FAULT"] == "depth_limit")
        #expect(map["SESSION"] == "s-42")
        #expect(map["UID"] == "1000")
        #expect(map["CODE_FILE"]?.hasSuffix("JournalLogTests.swift") == true)
        #expect(journal.receive() == nil, "the debug record was below the level")
        #expect(fallback.withLock { $0 }.isEmpty)
    }

    @Test("without a journal socket the record falls back to a terminal line on stderr")
    func fallbackToStderr() throws {
        let lines = Mutex<[String]>([])
        let sink = LogSink(journalSocket: "/tmp/needled-no-journal-\(getpid())/socket", output: { bytes in
            lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) }
        })
        let logger = Logger(label: "needled") { ServiceLogHandler(label: $0, sink: sink) }
        logger.notice("needled ready", metadata: ["socket": "/run/needled/control.sock"])
        logger.notice("second")
        let written = lines.withLock { $0 }
        #expect(written.count == 3, "one warning about the journal, then both records")
        #expect(written.first?.contains("journal socket") == true)
        #expect(written.dropFirst().first?.hasSuffix("notice needled ready socket=/run/needled/control.sock\n") == true)
    }

    @Test("terminal lines: level, message, key=value with quoting")
    func terminalLines() {
        let line = TerminalLine.format(
            level: .warning, message: "refused", metadata: ["reason": "two words", "code": "busy"], timestamp: false)
        #expect(String(decoding: line, as: UTF8.self) == "warning refused code=busy reason=\"two words\"\n")
    }

    @Test("stderr is the journal only when JOURNAL_STREAM names its device and inode")
    func journalStreamDetection() throws {
        var info = stat()
        #expect(fstat(2, &info) == 0)
        let matching = ServiceEnvironment(["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"])
        #expect(LogSink.stderrIsJournal(environment: matching))
        #expect(!LogSink.stderrIsJournal(environment: ServiceEnvironment(["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino &+ 1)"])))
        #expect(!LogSink.stderrIsJournal(environment: ServiceEnvironment(["JOURNAL_STREAM": "garbage"])))
        #expect(!LogSink.stderrIsJournal(environment: ServiceEnvironment([:])))
    }
}
