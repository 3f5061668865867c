/// Splits a byte stream into newline-terminated lines with a length cap.
///
/// A line longer than `maxLineLength` bytes (terminator excluded) yields one `.tooLong`; the
/// rest of it is discarded up to the next newline, after which framing resumes normally, so one
/// over-long request does not cost the connection. A trailing `\r` is dropped; lines of only
/// whitespace are skipped. Memory use is bounded by `maxLineLength`.
public struct LineFramer: Sendable {
    public enum Frame: Sendable, Hashable {
        case line([UInt8])
        case tooLong
    }

    /// 64 KiB, the protocol's limit on a request line.
    public static let defaultMaxLineLength = 64 * 1024

    public let maxLineLength: Int
    private var pending: [UInt8] = []
    private var discarding = false

    public init(maxLineLength: Int = LineFramer.defaultMaxLineLength) {
        self.maxLineLength = max(1, maxLineLength)
    }

    /// Feeds received bytes; returns the frames they complete, in order.
    public mutating func append(_ bytes: some Sequence<UInt8>) -> [Frame] {
        var frames: [Frame] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if discarding {
                    discarding = false
                } else if let line = Self.trimmed(pending) {
                    frames.append(.line(line))
                }
                pending.removeAll(keepingCapacity: pending.count <= 4096)
            } else if !discarding {
                // One byte of slack for a `\r` that may precede the newline.
                if pending.count > maxLineLength || (pending.count == maxLineLength && byte != UInt8(ascii: "\r")) {
                    frames.append(.tooLong)
                    discarding = true
                    pending.removeAll()
                } else {
                    pending.append(byte)
                }
            }
        }
        return frames
    }

    /// Bytes of an unterminated line received so far.
    public var bufferedByteCount: Int { pending.count }

    private static func trimmed(_ line: [UInt8]) -> [UInt8]? {
        var line = line
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        let blank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        return blank ? nil : line
    }
}
