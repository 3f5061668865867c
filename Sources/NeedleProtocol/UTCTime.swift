#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Dates on the wire and in the CLI: ISO 8601 in UTC (`2026-11-26T09:14:03Z`), so records
/// read the same on every machine whatever its time zone.
public enum UTCTime {
    /// `2026-11-26T09:14:03Z` for Unix milliseconds.
    public static func iso8601(unixMs: Int64) -> String {
        Date(timeIntervalSince1970: Double(unixMs) / 1000).ISO8601Format()
    }

    /// `2026-11-26` for Unix seconds.
    public static func day(unixS: Int64) -> String {
        String(iso8601(unixMs: unixS * 1000).prefix(10))
    }

    /// Unix seconds of a `YYYY-MM-DD` day's start (UTC) or of a full ISO 8601 time; nil for
    /// anything else, including days that do not exist (2026-02-30: Foundation's parser
    /// would roll it over into March, so the day must format back to itself).
    public static func parse(_ text: String) -> Int64? {
        let isDay = text.count == 10
        guard let date = try? Date(isDay ? text + "T00:00:00Z" : text, strategy: .iso8601) else { return nil }
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        if isDay, day(unixS: seconds) != text { return nil }
        return seconds
    }
}
