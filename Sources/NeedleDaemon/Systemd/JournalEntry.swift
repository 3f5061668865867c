import Logging

/// Encoding of the journal's native protocol: one datagram per entry, each field either
/// `NAME=value\n` or, when the value holds a newline, `NAME\n` + its length as a 64-bit
/// little-endian integer + the value + `\n` (journald would otherwise cut the value at the
/// newline and read the rest as another field).
public enum JournalEntry {
    /// Fields the handler writes itself; a metadata key mapping onto one is prefixed `META_`.
    static let reserved: Set<String> = [
        "MESSAGE", "MESSAGE_ID", "PRIORITY", "SYSLOG_IDENTIFIER", "SYSLOG_FACILITY", "SYSLOG_PID",
        "CODE_FILE", "CODE_LINE", "CODE_FUNC", "ERRNO", "TID", "LOGGER",
    ]

    /// syslog priority of a swift-log level (0 emerg … 7 debug).
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A journal field name for a metadata key: upper case, characters outside `A–Z 0–9 _`
    /// turned into `_`, not starting with `_` (reserved for trusted fields) or a digit, at
    /// most 64 bytes. `depth_mm` → `DEPTH_MM`, `fault` → `FAULT`.
    public static func fieldName(_ key: String) -> String {
        var name = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z": name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32) ?? "_")
            case "A"..."Z", "0"..."9", "_": name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        if name.isEmpty { name = "EMPTY" }
        if let first = name.unicodeScalars.first, first == "_" || ("0"..."9").contains(first) {
            name = "F" + name
        }
        if reserved.contains(name) { name = "META_" + name }
        if name.utf8.count > 64 { name = String(decoding: name.utf8.prefix(64), as: UTF8.self) }
        return name
    }

    /// Appends one field in the protocol's text or binary form.
    public static func append(_ name: String, _ value: String, to bytes: inout [UInt8]) {
        let value = Array(value.utf8)
        bytes += name.utf8
        if value.contains(UInt8(ascii: "\n")) {
            bytes.append(UInt8(ascii: "\n"))
            var length = UInt64(value.count).littleEndian
            withUnsafeBytes(of: &length) { bytes += $0 }
        } else {
            bytes.append(UInt8(ascii: "="))
        }
        bytes += value
        bytes.append(UInt8(ascii: "\n"))
    }

    /// The whole datagram of one log record.
    public static func encode(
        level: Logger.Level, message: String, metadata: Logger.Metadata, identifier: String,
        file: String = "", function: String = "", line: UInt = 0
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + message.utf8.count)
        append("PRIORITY", String(priority(level)), to: &bytes)
        append("SYSLOG_IDENTIFIER", identifier, to: &bytes)
        append("MESSAGE", message, to: &bytes)
        if !file.isEmpty {
            append("CODE_FILE", file, to: &bytes)
            append("CODE_LINE", String(line), to: &bytes)
            append("CODE_FUNC", function, to: &bytes)
        }
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            append(fieldName(key), "\(value)", to: &bytes)
        }
        return bytes
    }

    /// Decodes a datagram back into fields (for tests and tools; tolerant of nothing).
    public static func decode(_ bytes: [UInt8]) -> [(String, String)]? {
        var fields: [(String, String)] = []
        var index = 0
        while index < bytes.count {
            guard let end = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\n") }) else {
                return nil
            }
            let name = String(decoding: bytes[index..<end], as: UTF8.self)
            if bytes[end] == UInt8(ascii: "=") {
                guard let newline = bytes[end...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                fields.append((name, String(decoding: bytes[(end + 1)..<newline], as: UTF8.self)))
                index = newline + 1
            } else {
                guard end + 9 <= bytes.count else { return nil }
                var length: UInt64 = 0
                for offset in 0..<8 { length |= UInt64(bytes[end + 1 + offset]) << (8 * UInt64(offset)) }
                let start = end + 9
                guard length <= UInt64(bytes.count - start), start + Int(length) < bytes.count,
                    bytes[start + Int(length)] == UInt8(ascii: "\n")
                else { return nil }
                fields.append((name, String(decoding: bytes[start..<(start + Int(length))], as: UTF8.self)))
                index = start + Int(length) + 1
            }
        }
        return fields
    }
}
