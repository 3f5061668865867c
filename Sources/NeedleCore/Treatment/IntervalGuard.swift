/// The minimum time between two sessions on the same area (pure: the caller passes the
/// area's past session times and "now"; nothing here reads a clock or storage).
///
/// Times are Unix seconds (UTC). Home mode: too soon is refused, override or not. Clinical
/// mode: too soon is allowed only with the plan's override (which the supervisor accepts
/// only from a clinician).
public struct IntervalGuard: Sendable, Equatable {
    public static let defaultMinimumDays = 28
    public var minimumIntervalS: Int64

    public init(minimumDays: Int = IntervalGuard.defaultMinimumDays) {
        minimumIntervalS = Int64(minimumDays) * 86_400
    }

    public enum Verdict: Sendable, Equatable {
        case allowed
        /// Within the interval, let through by a clinician's override (record it).
        case allowedByOverride(earliestS: Int64)
        /// Within the interval: not before `earliestS`.
        case tooSoon(earliestS: Int64)
    }

    public func check(pastSessionsS: some Sequence<Int64>, nowS: Int64, mode: Mode, override: Bool) -> Verdict {
        guard let last = pastSessionsS.filter({ $0 <= nowS }).max() else { return .allowed }
        let earliest = last + minimumIntervalS
        if nowS >= earliest { return .allowed }
        if mode == .clinical, override { return .allowedByOverride(earliestS: earliest) }
        return .tooSoon(earliestS: earliest)
    }

    /// The refusal for a `tooSoon` verdict, naming the earliest allowed date (UTC).
    public func refusal(area: String, earliestS: Int64, mode: Mode) -> Refusal {
        let hint = mode == .clinical ? "; a clinician may override" : ""
        return Refusal(.tooSoon, "\(area) was treated less than \(minimumIntervalS / 86_400) days ago: earliest \(CivilDate(unixSeconds: earliestS))\(hint)")
    }
}

/// A UTC calendar date from Unix seconds (Howard Hinnant's days-from-civil, inverted), so
/// messages can name a date without Foundation.
public struct CivilDate: Sendable, Equatable, CustomStringConvertible {
    public var year: Int64
    public var month: Int64
    public var day: Int64

    public init(unixSeconds: Int64) {
        let days = unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    public var description: String {
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))"
    }
}
