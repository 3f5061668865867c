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

    @Test("no past session, or only future-dated ones, is allowed; the interval is configurable")
    func edges() {
        #expect(guard28.check(pastSessionsS: [Int64](), nowS: last, mode: .home, override: false) == .allowed)
        #expect(guard28.check(pastSessionsS: [last + day], nowS: last, mode: .home, override: false) == .allowed)
        #expect(IntervalGuard(minimumDays: 42).check(pastSessionsS: [last], nowS: last + 41 * day, mode: .home, override: false)
            == .tooSoon(earliestS: last + 42 * day))
    }

    @Test("civil dates from Unix seconds")
    func dates() {
        #expect(CivilDate(unixSeconds: 0).description == "1970-01-01")
        #expect(CivilDate(unixSeconds: 951_782_400).description == "2000-02-29")
        #expect(CivilDate(unixSeconds: -1).description == "1969-12-31")
    }
}
