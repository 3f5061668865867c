/// The minimum time between two sessions on the same area (pure: the caller passes the
/// area's past session times and "now"; nothing here reads a clock or storage).
///
/// Times are Unix seconds (UTC). Home mode: too soon is refused, override or not. Clinical
/// mode: too soon is allowed only with the plan's override (which the supervisor accepts
/// only from a clinician). A clock that reads earlier than a past session is wrong (a board
/// without an RTC that booted at its image's date): no interval is computed from it.
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
        /// The clock reads `nowS`, before the newest session (`newestS`): the clock is not
        /// set, so no interval can be judged. No override lifts it.
        case clockNotSet(newestS: Int64, nowS: Int64)
    }

    public func check(pastSessionsS: some Sequence<Int64>, nowS: Int64, mode: Mode, override: Bool) -> Verdict {
        guard let last = pastSessionsS.max() else { return .allowed }
        // A session "in the future" means the clock is behind, not that the area is free.
        if last > nowS { return .clockNotSet(newestS: last, nowS: nowS) }
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

/// What the daemon read from the treatment records and the calendar clock for one `arm`.
/// The supervisor judges it inside `handle`, under the lock that also arms, so the mode the
/// interval is judged in is the mode the plan is armed in: a mode switch between a check
/// and the arm cannot carry a clinician's override into home mode.
///
/// The interval applies per client and area. The daemon reads both the area's newest
/// session of any client and the newest of the plan's client; which one counts is decided
/// here, by the mode the plan arms in: a home pen has one implicit client (whatever
/// `--client` says, so a home user cannot dodge the interval by varying it); a clinic's
/// two clients on the same area the same day are two people.
public struct IntervalEvidence: Sendable, Equatable {
    public var rule: IntervalGuard
    /// The plan's area, when it names a known one.
    public var area: String?
    /// When the area's newest session, of any client, started (Unix s); nil if never treated.
    public var lastAreaSessionS: Int64?
    /// The client the records were read for (the plan's), or nil.
    public var client: String?
    /// When `client`'s newest session on the area started (Unix s); nil if never treated.
    public var lastClientAreaSessionS: Int64?
    /// When the newest session of any area (or none) started (Unix s); nil without records.
    public var newestRecordS: Int64?
    /// The calendar clock at the request (Unix s).
    public var nowS: Int64

    public init(
        rule: IntervalGuard, area: String?, lastAreaSessionS: Int64?, client: String? = nil,
        lastClientAreaSessionS: Int64? = nil, newestRecordS: Int64?, nowS: Int64
    ) {
        self.rule = rule
        self.area = area
        self.lastAreaSessionS = lastAreaSessionS
        self.client = client
        self.lastClientAreaSessionS = lastClientAreaSessionS
        self.newestRecordS = newestRecordS
        self.nowS = nowS
    }

    /// The refusal for arming in `mode` (`override`: a clinician's override), or nil.
    /// A clock behind the newest record refuses every plan, with an area or not: the session
    /// it would record would be dated before the ones it follows and fool the next check.
    public func refusal(mode: Mode, override: Bool) -> Refusal? {
        let newest = [newestRecordS, lastAreaSessionS, lastClientAreaSessionS].compactMap { $0 }.max()
        if let newest, newest > nowS { return Self.clockNotSet(newestS: newest, nowS: nowS) }
        // Clinical mode with a client: that client's sessions. Home mode, or (defensively)
        // clinical without one: every session on the area.
        let perClient = mode == .clinical && client != nil
        guard let area, let last = perClient ? lastClientAreaSessionS : lastAreaSessionS else { return nil }
        switch rule.check(pastSessionsS: [last], nowS: nowS, mode: mode, override: override) {
        case .allowed, .allowedByOverride: return nil
        case .tooSoon(let earliestS):
            let subject = perClient ? "\(area) of client \(client ?? "")" : area
            return rule.refusal(area: subject, earliestS: earliestS, mode: mode)
        case .clockNotSet(let newestS, let nowS): return Self.clockNotSet(newestS: newestS, nowS: nowS)
        }
    }

    static func clockNotSet(newestS: Int64, nowS: Int64) -> Refusal {
        Refusal(.clockNotSet, "the clock reads \(UTCDateTime(unixSeconds: nowS)), before the newest treatment record (\(UTCDateTime(unixSeconds: newestS))): set the clock (NTP or date) before arming")
    }
}

/// "YYYY-MM-DD hh:mm:ss UTC" from Unix seconds, without Foundation.
struct UTCDateTime: CustomStringConvertible {
    var unixSeconds: Int64

    var description: String {
        let second = ((unixSeconds % 86_400) + 86_400) % 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(CivilDate(unixSeconds: unixSeconds)) \(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60)) UTC"
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
