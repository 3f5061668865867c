import Logging
import NeedleCore
import NeedleSim
import NeedleProtocol
import NeedleRecords
import Testing
@testable import NeedleDaemon

/// The interval guard on `arm`, reading the record store, with an injected calendar clock.
@Suite("Interval guard on arm, from the records")
struct IntervalGuardRoutingTests {
    static let `operator` = PeerCredentials(pid: 31, uid: 1002, gid: 1002)
    static let clinician = PeerCredentials(pid: 32, uid: 1003, gid: 1003)
    let wall = ManualWallClock()

    /// A router whose store holds one closed forehead session that started "now".
    /// - Parameter beforeArm: runs on every arm between reading the records and arming.
    func router(
        beforeArm: (@Sendable (ControlLoop, VirtualClock) -> Void)? = nil
    ) throws -> (CommandRouter, SimLoopHarness, TreatmentRecordStore) {
        let h = SimLoopHarness()
        let store = try TreatmentRecordStore.inMemory()
        let recorder = TreatmentRecorder(store: store, wallClock: wall, logger: Logger(label: "test"))
        let loop = h.loop
        let clock = h.clock
        var hook: (@Sendable () -> Void)?
        if let beforeArm { hook = { beforeArm(loop, clock) } }
        let router = CommandRouter(
            loop: h.loop, clock: h.clock, policy: AccessPolicy(operatorUIDs: [1002], clinicianUIDs: [1003]),
            hardware: .simulated, sim: SimControl(pen: h.pen), calibrationStore: .nowhere,
            logger: Logger(label: "test"), groupsOf: { _ in [] }, records: recorder, wallClock: wall,
            beforeArmForTesting: hook)
        let now = wall.nowUnixMs()
        var session = TreatmentRecord(
            startedAtMs: now, updatedAtMs: now + 120_000, mode: "home", area: "forehead", targetDepthMM: 0.5,
            speedLevel: 5)
        session.id = try store.open(session)
        session.endedAtMs = now + 120_000
        session.endReason = "completed"
        try store.update(session)
        h.tick(60)
        return (router, h, store)
    }

    func code(_ result: Result<ResultPayload, ProtocolError>) -> ErrorCode? {
        if case .failure(let error) = result { error.code } else { nil }
    }

    func message(_ result: Result<ResultPayload, ProtocolError>) -> String {
        if case .failure(let error) = result { error.message } else { "" }
    }

    @Test("home: 27 days later the area is refused too_soon naming the earliest date; 28 days later it arms")
    func home27and28() throws {
        let (r, h, _) = try router()
        wall.advance(days: 27)
        let refused = r.handle(.arm(try ArmArguments(area: "forehead")), from: Self.operator)
        #expect(code(refused) == .tooSoon)
        #expect(message(refused).contains("2026-12-24"), "\(message(refused))")
        #expect(h.loop.status().state == .idle, "a refusal changes nothing")
        // Another area is not held back by the forehead's session.
        #expect(code(r.handle(.arm(try ArmArguments(area: "neck")), from: Self.operator)) == nil)
        _ = r.handle(.disarm, from: Self.operator)
        wall.advance(days: 1)
        #expect(code(r.handle(.arm(try ArmArguments(area: "forehead")), from: Self.operator)) == nil)
        #expect(h.loop.status().state == .armed)
    }

    @Test("home: a clinician's override does not lift the interval")
    func homeOverrideStillRefused() throws {
        let (r, _, _) = try router()
        wall.advance(days: 27)
        let refused = r.handle(.arm(try ArmArguments(area: "forehead", override: true)), from: Self.clinician)
        #expect(code(refused) == .tooSoon)
    }

    @Test("clinical: too soon needs --override, which is then recorded on the plan")
    func clinicalOverride() throws {
        let (r, h, _) = try router()
        _ = r.handle(.mode(.clinical), from: Self.clinician)
        h.tick(5)
        wall.advance(days: 10)
        // Forehead in clinical mode: its 0.25–0.75 mm range is outside 1.00–2.95, so use cheeks.
        var session = TreatmentRecord(
            startedAtMs: wall.nowUnixMs(), updatedAtMs: wall.nowUnixMs(), mode: "clinical", area: "cheeks",
            targetDepthMM: 1.5, speedLevel: 5, client: "C-1")
        session.id = try r.records?.store.open(session)
        wall.advance(days: 27)
        let refused = r.handle(.arm(try ArmArguments(area: "cheeks", client: "C-1")), from: Self.clinician)
        #expect(code(refused) == .tooSoon)
        #expect(message(refused).contains("override"))
        let armed = r.handle(.arm(try ArmArguments(area: "cheeks", override: true, client: "C-1")), from: Self.clinician)
        #expect(code(armed) == nil, "\(message(armed))")
        #expect(h.loop.status().plan?.override == true)
    }

    @Test("a switch to home mode between reading the records and arming does not let a clinician's override past the interval")
    func modeSwitchBeforeArmIsJudgedInHomeMode() throws {
        // The gap a second client's `mode home` can fall into: the old router judged the
        // interval in clinical mode, then the plan was armed in home mode with the override.
        let (r, h, _) = try router(beforeArm: { loop, clock in
            _ = loop.command(.setMode(.home, authorized: true), nowNs: clock.nowNanoseconds())
        })
        _ = r.handle(.mode(.clinical), from: Self.clinician)
        h.tick(5)
        #expect(h.loop.status().mode == .clinical)
        var session = TreatmentRecord(
            startedAtMs: wall.nowUnixMs(), updatedAtMs: wall.nowUnixMs(), mode: "clinical", area: "cheeks",
            targetDepthMM: 1.5, speedLevel: 5, client: "C-1")
        session.id = try r.records?.store.open(session)
        wall.advance(days: 27)
        let refused = r.handle(.arm(try ArmArguments(depthMM: 0.6, area: "cheeks", override: true, client: "C-1")), from: Self.clinician)
        #expect(h.loop.status().mode == .home, "the hook switched the mode before the arm")
        #expect(code(refused) == .tooSoon, "\(refused)")
        #expect(h.loop.status().state == .idle)
        #expect(h.loop.status().plan == nil)
    }

    @Test("a calendar clock behind the newest record refuses every arm with clock_not_set naming both times")
    func clockBehindRecordsRefusesArm() throws {
        let (r, h, _) = try router()
        // The board rebooted without an RTC: its clock reads 40 days before the session.
        wall.advance(days: -40)
        for arguments in [try ArmArguments(area: "forehead"), try ArmArguments(area: "neck"), try ArmArguments(depthMM: 0.5)] {
            let refused = r.handle(.arm(arguments), from: Self.operator)
            #expect(code(refused) == .clockNotSet, "\(arguments): \(refused)")
            #expect(message(refused).contains("2026-10-17 00:00:00 UTC"), "the clock's time: \(message(refused))")
            #expect(message(refused).contains("2026-11-26 00:00:00 UTC"), "the newest record's time: \(message(refused))")
            #expect(h.loop.status().state == .idle, "a refusal changes nothing")
        }
        // Once the clock is set (29 days after the session) the forehead arms again.
        wall.advance(days: 69)
        #expect(code(r.handle(.arm(try ArmArguments(area: "forehead")), from: Self.operator)) == nil)
        #expect(h.loop.status().state == .armed)
    }
}

/// Issue 12: the interval per client and area, through the router and the records.
@Suite("Interval guard per client, from the records")
struct ClientIntervalRoutingTests {
    let base = IntervalGuardRoutingTests()
    var wall: ManualWallClock { base.wall }

    func clinicalRouter() throws -> (CommandRouter, SimLoopHarness, TreatmentRecordStore) {
        let (r, h, store) = try base.router()
        _ = r.handle(.mode(.clinical), from: IntervalGuardRoutingTests.clinician)
        h.tick(5)
        return (r, h, store)
    }

    /// A closed cheeks session of `client` that started now.
    func treated(_ store: TreatmentRecordStore, client: String?) throws {
        let now = wall.nowUnixMs()
        var session = TreatmentRecord(
            startedAtMs: now, updatedAtMs: now, mode: "clinical", area: "cheeks", targetDepthMM: 1.5, speedLevel: 5,
            client: client)
        session.id = try store.open(session)
        session.endedAtMs = now + 60_000
        session.endReason = "completed"
        try store.update(session)
    }

    func code(_ result: Result<ResultPayload, ProtocolError>) -> ErrorCode? {
        if case .failure(let error) = result { error.code } else { nil }
    }

    @Test("clinical: two clients on the same area the same day are both allowed; the same client again is too_soon")
    func twoClientsSameDay() throws {
        let (r, h, store) = try clinicalRouter()
        try treated(store, client: "C-1")
        wall.advance(ms: 2 * 3_600_000)
        let clinician = IntervalGuardRoutingTests.clinician
        let other = r.handle(.arm(try ArmArguments(area: "cheeks", client: "C-2")), from: clinician)
        #expect(code(other) == nil, "\(other)")
        #expect(h.loop.status().plan?.client == "C-2")
        _ = r.handle(.disarm, from: clinician)
        let same = r.handle(.arm(try ArmArguments(area: "cheeks", client: "C-1")), from: clinician)
        #expect(code(same) == .tooSoon)
        if case .failure(let error) = same { #expect(error.message.contains("client C-1"), "\(error.message)") }
        #expect(h.loop.status().state == .idle)
    }

    @Test("clinical: arm without --client is refused client_required and changes nothing")
    func clinicalWithoutClient() throws {
        let (r, h, _) = try clinicalRouter()
        let refused = r.handle(.arm(try ArmArguments(area: "cheeks")), from: IntervalGuardRoutingTests.clinician)
        #expect(code(refused) == .clientRequired)
        #expect(h.loop.status().state == .idle)
        #expect(h.loop.status().plan == nil)
    }

    @Test("history and plan take --client: only that client's sessions and course")
    func perClientQueries() throws {
        let (r, _, store) = try clinicalRouter()
        try treated(store, client: "C-1")
        try treated(store, client: "C-2")
        try treated(store, client: "C-2")
        let clinician = IntervalGuardRoutingTests.clinician
        guard case .success(.json(.object(let history))) = r.handle(.history(try HistoryArguments(client: "C-2")), from: clinician),
              case .array(let rows)? = history["sessions"]
        else { Issue.record("no history"); return }
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { if case .object(let row) = $0 { row["client"] == .string("C-2") } else { false } })
        guard case .success(.json(.object(let plan))) = r.handle(.plan(try PlanArguments(client: "C-1")), from: clinician),
              case .array(let areas)? = plan["areas"]
        else { Issue.record("no plan"); return }
        #expect(plan["client"] == .string("C-1"))
        let cheeks = areas.compactMap { if case .object(let area) = $0, area["area"] == .string("cheeks") { area } else { nil } }.first
        #expect(cheeks?["sessions"] == .integer(1))
        #expect(cheeks?["next_allowed"] == .string("2026-12-24"), "\(String(describing: cheeks?["next_allowed"]))")
    }
}
