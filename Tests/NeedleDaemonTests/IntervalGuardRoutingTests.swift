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
            targetDepthMM: 1.5, speedLevel: 5)
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
            targetDepthMM: 1.5, speedLevel: 5)
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
