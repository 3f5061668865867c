import Logging
import NeedleCore
import NeedleProtocol
import Testing
@testable import NeedleDaemon

/// `arm` with an area's defaults and the clinician override, and `selftest`, through the
/// router on the simulated pen.
@Suite("arm and selftest on the socket")
struct TreatmentRoutingTests {
    static let `operator` = PeerCredentials(pid: 31, uid: 1002, gid: 1002)
    static let clinician = PeerCredentials(pid: 32, uid: 1003, gid: 1003)

    func router() -> (CommandRouter, SimLoopHarness) {
        let h = SimLoopHarness()
        let router = CommandRouter(
            loop: h.loop, clock: h.clock, policy: AccessPolicy(operatorUIDs: [1002], clinicianUIDs: [1003]),
            hardware: .simulated, sim: SimControl(pen: h.pen), calibrationStore: .nowhere,
            logger: Logger(label: "test"), groupsOf: { _ in [] })
        h.tick(10)
        return (router, h)
    }

    func status(_ result: Result<ResultPayload, ProtocolError>) -> StatusResult? {
        if case .success(.status(let status)) = result { status } else { nil }
    }

    func failure(_ result: Result<ResultPayload, ProtocolError>) -> ProtocolError? {
        if case .failure(let error) = result { error } else { nil }
    }

    @Test("arm by area alone takes the preset's depth, speed and session time")
    func armByArea() throws {
        let (r, _) = router()
        let armed = try #require(status(r.handle(.arm(try ArmArguments(area: "forehead")), from: Self.operator)))
        let forehead = AreaPresetTable.standard.preset(for: .forehead)
        #expect(armed.state == .armed)
        #expect(armed.area == "forehead")
        #expect(armed.targetDepthMM == forehead.defaultDepthMM)
        #expect(armed.speed == forehead.defaultSpeedLevel)
        #expect(armed.durationS == forehead.defaultSessionS)
        #expect(armed.remainingS == forehead.defaultSessionS)
        #expect(armed.override == false)
    }

    @Test("an explicit depth and speed win over the area's defaults; without an area the speed is 5")
    func explicitValuesWin() throws {
        let (r, _) = router()
        let armed = try #require(status(r.handle(.arm(try ArmArguments(depthMM: 0.3, speed: 8, area: "lips")), from: Self.operator)))
        #expect(armed.targetDepthMM == 0.3 && armed.speed == 8 && armed.area == "lips")
        _ = r.handle(.disarm, from: Self.operator)
        let plain = try #require(status(r.handle(.arm(try ArmArguments(depthMM: 0.6)), from: Self.operator)))
        #expect(plain.speed == ArmArguments.defaultSpeed && plain.area == nil && plain.durationS == nil)
    }

    @Test("override: refused unauthorized for an operator, accepted for a clinician and shown in status")
    func override() throws {
        let (r, h) = router()
        // 0.90 mm is inside home mode's window but outside the forehead's 0.25–0.75.
        let outside = try ArmArguments(depthMM: 0.9, area: "forehead")
        #expect(failure(r.handle(.arm(outside), from: Self.clinician))?.code == .depthOutOfRangeForArea)
        let overriding = try ArmArguments(depthMM: 0.9, area: "forehead", override: true)
        let refused = failure(r.handle(.arm(overriding), from: Self.operator))
        #expect(refused?.code == .unauthorized)
        #expect(refused?.message.contains("clinician") == true, "\(String(describing: refused))")
        #expect(h.loop.status().plan == nil)
        let armed = try #require(status(r.handle(.arm(overriding), from: Self.clinician)))
        #expect(armed.override == true)
        #expect(armed.targetDepthMM == 0.9 && armed.area == "forehead")
        #expect(r.status().override == true)
        // No override reaches past the mode's window.
        _ = r.handle(.disarm, from: Self.clinician)
        let deep = try ArmArguments(depthMM: 1.2, area: "forehead", override: true)
        #expect(failure(r.handle(.arm(deep), from: Self.clinician))?.code == .depthOutOfRange)
    }

    @Test("an operator's selftest answers at once with the test running; the status then reports its verdict, motor step included")
    func selftest() throws {
        let (r, h) = router()
        let started = try #require(status(r.handle(.selftest, from: Self.operator)))
        #expect(started.state == .selfTest)
        #expect(started.selfTest.result == .running)
        #expect(started.selfTest.step == "sensor")
        #expect(h.tick(until: { r.status().selfTest.result != .running }))
        #expect(r.status().selfTest == SelfTestReport(result: .passed, motor: "passed"))
        #expect(r.status().state == .idle)
    }

    @Test("a self-test that fails reports the step and latches selftest_failed")
    func selftestFails() throws {
        let (r, h) = router()
        h.pen.inject(.stall)
        _ = try #require(status(r.handle(.selftest, from: Self.operator)))
        #expect(h.tick(until: { r.status().selfTest.result != .running }))
        #expect(r.status().selfTest == SelfTestReport(result: .failed, step: "motor", motor: "failed"))
        #expect(r.status().faults.contains(.selftestFailed))
    }
}
