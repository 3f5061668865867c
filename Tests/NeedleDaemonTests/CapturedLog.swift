import Logging
import Synchronization

/// Every log record, in order, for tests.
final class CapturedLog: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }
    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func count(_ matching: (Record) -> Bool) -> Int { all.filter(matching).count }

    var logger: Logger {
        Logger(label: "test") { _ in CapturingLogHandler(sink: self) }
    }

    func append(_ record: Record) { records.withLock { $0.append(record) } }
}

struct CapturingLogHandler: LogHandler {
    let sink: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[key] = "\(value)" }
        sink.append(.init(level: event.level, message: "\(event.message)", metadata: fields))
    }
}
