import Glibc
import Logging
import Synchronization

/// Where log records go: the journal's native socket when stderr is the journal, else
/// readable lines on stderr. Shared by every logger of the process.
public final class LogSink: Sendable {
    public static let journalSocketPath = "/run/systemd/journal/socket"

    private struct Journal {
        let descriptor: Int32
        let address: sockaddr_un
        let length: socklen_t
    }

    private enum JournalOutcome {
        case sent, notInUse, failed(SystemdError)
    }

    public let identifier: String
    private let journal: Mutex<Journal?>
    private let output: @Sendable ([UInt8]) -> Void
    /// The first journal failure, reported once on stderr.
    private let journalFailed = Atomic<Bool>(false)

    /// - Parameters:
    ///   - journalSocket: nil writes terminal lines only.
    ///   - output: where terminal lines (and fallbacks) go; stderr by default.
    public init(
        identifier: String = "needled", journalSocket: String?,
        output: @escaping @Sendable ([UInt8]) -> Void = LogSink.writeStandardError
    ) {
        self.identifier = identifier
        self.output = output
        var opened: Journal?
        if let journalSocket, let (address, length) = try? UnixDatagram.address(journalSocket),
            let descriptor = try? UnixDatagram.socket()
        {
            opened = Journal(descriptor: descriptor, address: address, length: length)
        }
        self.journal = Mutex(opened)
    }

    deinit {
        journal.withLock { if let open = $0 { close(open.descriptor) } }
    }

    /// The sink for this process: the journal when `$JOURNAL_STREAM` names stderr.
    public static func forProcess(environment: ServiceEnvironment = .process) -> LogSink {
        LogSink(journalSocket: stderrIsJournal(environment: environment) ? journalSocketPath : nil)
    }

    /// Whether fd 2 is the stream journald gave us (`$JOURNAL_STREAM` is `device:inode`).
    public static func stderrIsJournal(environment: ServiceEnvironment = .process, descriptor: Int32 = 2) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    public var usesJournal: Bool { journal.withLock { $0 != nil } }

    public static let writeStandardError: @Sendable ([UInt8]) -> Void = { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    func emit(
        level: Logger.Level, label: String, message: String, metadata: Logger.Metadata,
        file: String, function: String, line: UInt
    ) {
        let outcome = journal.withLock { (journal: inout Journal?) -> JournalOutcome in
            guard let open = journal else { return .notInUse }
            let datagram = JournalEntry.encode(
                level: level, message: message, metadata: metadata, identifier: identifier,
                file: file, function: function, line: line)
            do throws(SystemdError) {
                try UnixDatagram.send(datagram, on: open.descriptor, to: open.address, length: open.length)
                return .sent
            } catch {
                return .failed(error)
            }
        }
        switch outcome {
        case .sent: return
        case .failed(let error):
            if !journalFailed.exchange(true, ordering: .relaxed) {
                output(Array("needled: journal socket \(LogSink.journalSocketPath) unusable (\(error)); logging to stderr\n".utf8))
            }
        case .notInUse: break
        }
        output(TerminalLine.format(level: level, message: message, metadata: metadata))
    }
}

/// A swift-log handler writing through a `LogSink`: native journal entries with
/// `PRIORITY`, `MESSAGE`, `SYSLOG_IDENTIFIER` and the metadata as upper-case fields
/// (`FAULT=depth_limit`, `DEPTH_MM=1.02`, `UID=1000`), or terminal lines.
public struct ServiceLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    private let sink: LogSink

    public init(label: String, sink: LogSink, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error, merged["error"] == nil { merged["error"] = "\(error)" }
        sink.emit(
            level: event.level, label: label, message: event.message.description, metadata: merged,
            file: event.file, function: event.function, line: event.line)
    }

    /// Installs the handler for the whole process (once, before the first logger is made).
    public static func bootstrap(level: Logger.Level, sink: LogSink = .forProcess()) {
        LoggingSystem.bootstrap { label in ServiceLogHandler(label: label, sink: sink, level: level) }
    }
}

/// Readable lines for a terminal: `2025-01-31T10:00:00.123Z notice needled ready key=value`.
public enum TerminalLine {
    public static func format(level: Logger.Level, message: String, metadata: Logger.Metadata, timestamp: Bool = true) -> [UInt8] {
        var text = timestamp ? now() + " " : ""
        text += level.rawValue + " " + message.map { $0 == "\n" ? "⏎" : $0 }.reduce(into: "") { $0.append($1) }
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            text += " " + key + "=" + quoted("\(value)")
        }
        text += "\n"
        return Array(text.utf8)
    }

    /// Values with spaces, quotes or control characters are quoted and escaped.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "\\" && $0.value != 0x7F }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let millis = spec.tv_nsec / 1_000_000
        let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(ms)Z"
    }
}
