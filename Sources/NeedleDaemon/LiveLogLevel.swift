import Logging
import Synchronization

/// The daemon's log level, changeable while running (SIGHUP reload). Every logger made
/// through `LiveLevelLogHandler` reads it on each log call.
public final class LiveLogLevel: Sendable {
    private let index: Atomic<Int>

    public init(_ level: Logger.Level) {
        index = Atomic(Self.index(of: level))
    }

    public var level: Logger.Level {
        Logger.Level.allCases[index.load(ordering: .relaxed)]
    }

    public func set(_ level: Logger.Level) {
        index.store(Self.index(of: level), ordering: .relaxed)
    }

    private static func index(of level: Logger.Level) -> Int {
        Logger.Level.allCases.firstIndex(of: level) ?? 0
    }
}

/// A log handler whose level is the shared `LiveLogLevel`; the rest is the wrapped handler's.
public struct LiveLevelLogHandler: LogHandler {
    private var base: any LogHandler
    private let live: LiveLogLevel

    public init(wrapping base: any LogHandler, level: LiveLogLevel) {
        self.base = base
        self.live = level
    }

    public var logLevel: Logger.Level {
        get { live.level }
        set { live.set(newValue) }
    }

    public var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        base.log(event: event)
    }
}
