import Testing
import NeedleCore

@Suite("Interval guard")
struct IntervalGuardTests {
    let guard28 = IntervalGuard()
    let last: Int64 = 1_740_787_200  // 2025-03-01 00:00:00 UTC
    let day: Int64 = 86_400

    @Test("home: 27 days after the last session is too_soon with the earliest date; 28 days is allowed")
    func home() {
        let at27 = guard28.check(pastSessionsS: [last - 40 * day, last], nowS: last + 27 * day, mode: .home, override: true)
        #expect(at27 == .tooSoon(earliestS: last + 28 * day))
        #expect(guard28.check(pastSessionsS: [last], nowS: last + 28 * day, mode: .home, override: false) == .allowed)
        let refusal = guard28.refusal(area: "forehead", earliestS: last + 28 * day, mode: .home)
        #expect(refusal.code == .tooSoon)
        #expect(refusal.message.contains("2025-03-29"))
    }

    @Test("clinical: too soon is allowed only with the override")
    func clinical() {
        #expect(guard28.check(pastSessionsS: [last], nowS: last + 27 * day, mode: .clinical, override: false)
            == .tooSoon(earliestS: last + 28 * day))
        #expect(guard28.check(pastSessionsS: [last], nowS: last + 27 * day, mode: .clinical, override: true)
            == .allowedByOverride(earliestS: last + 28 * day))
        #expect(guard28.check(pastSessionsS: [last], nowS: last + 28 * day, mode: .clinical, override: false) == .allowed)
    }

    @Test("no past session is allowed; the interval is configurable")
    func edges() {
        #expect(guard28.check(pastSessionsS: [Int64](), nowS: last, mode: .home, override: false) == .allowed)
        #expect(IntervalGuard(minimumDays: 42).check(pastSessionsS: [last], nowS: last + 41 * day, mode: .home, override: false)
            == .tooSoon(earliestS: last + 42 * day))
    }

    @Test("a clock earlier than the newest session is clock_not_set in either mode, override or not")
    func clockBehindRecords() {
        // A board without an RTC booted at its image's date, 40 days before the last session:
        // the old guard ignored the "future" session and allowed the area at once.
        let bootDate = last - 40 * day
        for mode in [Mode.home, .clinical] {
            for override in [false, true] {
                #expect(guard28.check(pastSessionsS: [last - 60 * day, last], nowS: bootDate, mode: mode, override: override)
                    == .clockNotSet(newestS: last, nowS: bootDate))
            }
        }
        // One second behind is behind; the same second is not.
        #expect(guard28.check(pastSessionsS: [last], nowS: last - 1, mode: .home, override: false)
            == .clockNotSet(newestS: last, nowS: last - 1))
        #expect(guard28.check(pastSessionsS: [last], nowS: last, mode: .home, override: false)
            == .tooSoon(earliestS: last + 28 * day))
    }

    @Test("the evidence refuses clock_not_set naming both times, also for an area never treated or no area")
    func evidenceClockNotSet() throws {
        let bootDate = last - 40 * day
        let neverTreated = IntervalEvidence(rule: guard28, area: "neck", lastAreaSessionS: nil, newestRecordS: last, nowS: bootDate)
        let refusal = try #require(neverTreated.refusal(mode: .home, override: false))
        #expect(refusal.code == .clockNotSet)
        #expect(refusal.message.contains("2025-01-20 00:00:00 UTC"), "the clock's time: \(refusal.message)")
        #expect(refusal.message.contains("2025-03-01 00:00:00 UTC"), "the newest record's time: \(refusal.message)")
        let noArea = IntervalEvidence(rule: guard28, area: nil, lastAreaSessionS: nil, newestRecordS: last, nowS: bootDate)
        #expect(noArea.refusal(mode: .clinical, override: true)?.code == .clockNotSet)
        let clockSet = IntervalEvidence(rule: guard28, area: "neck", lastAreaSessionS: nil, newestRecordS: last, nowS: last + 1)
        #expect(clockSet.refusal(mode: .home, override: false) == nil)
        // The clock at the newest record's very second is not behind it.
        let sameSecond = IntervalEvidence(rule: guard28, area: "neck", lastAreaSessionS: nil, newestRecordS: last, nowS: last)
        #expect(sameSecond.refusal(mode: .home, override: false) == nil)
    }

    @Test("the supervisor refuses an arm with a clock behind the records and changes nothing")
    func supervisorRefusesClockNotSet() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        let evidence = IntervalEvidence(rule: guard28, area: "forehead", lastAreaSessionS: last - 30 * day, newestRecordS: last, nowS: last - 2 * day)
        let refused = h.command(.armRequest(PlanRequest(area: "forehead", interval: evidence), clinician: false))
        #expect(h.refusalCode(refused) == .clockNotSet)
        #expect(h.supervisor.state == .idle)
        #expect(h.supervisor.plan == nil)
        // The same arm once the clock is set (the forehead's session was 32 days ago) arms.
        var set = evidence
        set.nowS = last + 2 * day
        _ = try h.command(.armRequest(PlanRequest(area: "forehead", interval: set), clinician: false)).get()
        #expect(h.supervisor.state == .armed)
    }

    @Test("the supervisor judges the interval in its own mode: an override armed in home mode is too_soon")
    func supervisorJudgesInItsMode() throws {
        var h = CoreHarness()
        h.settle(at: 0.5)
        let evidence = IntervalEvidence(
            rule: guard28, area: "cheeks", lastAreaSessionS: last, client: "C-1", lastClientAreaSessionS: last,
            newestRecordS: last, nowS: last + 27 * day)
        // Home mode: the clinician's override does not lift the interval.
        let home = h.command(.armRequest(PlanRequest(area: "cheeks", override: true, interval: evidence, client: "C-1"), clinician: true))
        #expect(h.refusalCode(home) == .tooSoon)
        #expect(h.supervisor.state == .idle)
        // Clinical mode: it does.
        _ = try h.command(.setMode(.clinical, authorized: true)).get()
        _ = try h.command(.armRequest(PlanRequest(area: "cheeks", override: true, interval: evidence, client: "C-1"), clinician: true)).get()
        #expect(h.supervisor.state == .armed)
    }

    @Test("a clinician arming without the override is held to the interval in clinical mode")
    func clinicianWithoutOverrideIsTooSoon() throws {
        var h = CoreHarness()
        _ = try h.command(.setMode(.clinical, authorized: true)).get()
        h.settle(at: 1.5)
        // Clinical mode counts this client's sessions on the area (issue 12).
        let evidence = IntervalEvidence(
            rule: guard28, area: "cheeks", lastAreaSessionS: last, client: "C-1", lastClientAreaSessionS: last,
            newestRecordS: last, nowS: last + 27 * day)
        let refused = h.command(.armRequest(PlanRequest(area: "cheeks", interval: evidence, client: "C-1"), clinician: true))
        #expect(h.refusalCode(refused) == .tooSoon)
        #expect(h.supervisor.state == .idle)
    }

    @Test("civil dates from Unix seconds")
    func dates() {
        #expect(CivilDate(unixSeconds: 0).description == "1970-01-01")
        #expect(CivilDate(unixSeconds: 951_782_400).description == "2000-02-29")
        #expect(CivilDate(unixSeconds: -1).description == "1969-12-31")
    }

    @Test("a too_soon refusal says a clinician may override only in clinical mode, where one can")
    func overrideHint() {
        let hint = "a clinician may override"
        #expect(guard28.refusal(area: "forehead", earliestS: last, mode: .clinical).message.contains(hint))
        #expect(!guard28.refusal(area: "forehead", earliestS: last, mode: .home).message.contains(hint))
    }

    /// The dates in too_soon and clock_not_set refusals are what an operator acts on. Checked
    /// against a plain day-by-day calendar (the Gregorian leap rule, proleptic before 1582)
    /// for every day from 1200 BCE (year −1199) to 2800, at the first and the last second
    /// of each day: both directions of the eras (400 years), centuries and leap days, and
    /// the day boundaries of negative Unix times.
    @Test("civil dates from Unix seconds agree with a day-by-day calendar on every day from year −1199 to 2800")
    func datesEveryDay() {
        func isLeap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }
        func length(_ y: Int64, _ m: Int64) -> Int64 {
            m == 2 ? (isLeap(y) ? 29 : 28) : (m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31)
        }
        var mismatches = 0
        var first: String?
        func check(second: Int64, _ y: Int64, _ m: Int64, _ d: Int64) {
            let date = CivilDate(unixSeconds: second)
            guard date.year != y || date.month != m || date.day != d else { return }
            mismatches += 1
            if first == nil { first = "\(second) s read \(date), not \(y)-\(m)-\(d)" }
        }
        /// The day's first and last second.
        func check(day: Int64, _ y: Int64, _ m: Int64, _ d: Int64) {
            check(second: day * 86_400, y, m, d)
            check(second: day * 86_400 + 86_399, y, m, d)
        }
        // Forward from 1970-01-01 (day 0) to 2800-12-31.
        var (y, m, d): (Int64, Int64, Int64) = (1970, 1, 1)
        var day: Int64 = 0
        while y <= 2800 {
            check(day: day, y, m, d)
            day += 1
            d += 1
            if d > length(y, m) { d = 1; m += 1 }
            if m > 12 { m = 1; y += 1 }
        }
        // Backward from 1969-12-31 (day −1) to −1199-01-01.
        (y, m, d) = (1969, 12, 31)
        day = -1
        while y >= -1199 {
            check(day: day, y, m, d)
            day -= 1
            d -= 1
            if d == 0 {
                m -= 1
                if m == 0 { m = 12; y -= 1 }
                d = length(y, m)
            }
        }
        #expect(mismatches == 0, "\(first ?? "")")
    }
}
