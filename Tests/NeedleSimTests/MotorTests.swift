import Foundation
import NeedleHAL
import NeedleSim
import Testing

@Suite("Simulated motor, cam and tach")
struct MotorTests {
    @Test("spins up with a ~30 ms first-order time constant")
    func spinUp() throws {
        let rig = SimRig()
        try rig.drive(duty: 1)
        try rig.run(ms: 30)
        // One time constant: 1 − e^−1 of the 250 Hz target (heartbeat started at t = 0).
        #expect(abs(rig.rate - 250 * (1 - exp(-1.0))) < 3)
        try rig.run(ms: 270)
        #expect(abs(rig.rate - 250) < 0.5)
    }

    @Test("steady rate is proportional to duty", arguments: [0.25, 0.5, 0.8])
    func rateFollowsDuty(duty: Double) throws {
        let rig = SimRig()
        try rig.drive(duty: duty)
        try rig.run(ms: 400)
        #expect(abs(rig.rate - 250 * duty) < 0.5)
    }

    @Test("skin load slows the motor: 200 Hz at load 0.5 and full duty")
    func loadSlows() throws {
        let rig = SimRig()
        rig.pen.setLoad(0.5)
        try rig.drive(duty: 1)
        try rig.run(ms: 400)
        #expect(abs(rig.rate - 200) < 0.5)
        #expect(rig.pen.snapshot().load == 0.5)
    }

    @Test("a stalled motor makes no strokes even when driven")
    func stall() throws {
        let rig = SimRig()
        try rig.drive(duty: 1)
        try rig.run(ms: 200)
        rig.pen.inject(.stall)
        try rig.run(ms: 1)
        _ = try rig.pen.tach.drainActivations()
        let strokes = rig.pen.snapshot().totalStrokes
        try rig.run(ms: 200)
        let after = rig.pen.snapshot()
        #expect(after.totalStrokes == strokes)
        #expect(after.strokeRateHz == 0)
        #expect(try rig.pen.tach.drainActivations().count == 0)
        #expect(after.faults == [.stall])
        rig.pen.clear(.stall)
        try rig.run(ms: 100)
        #expect(rig.rate > 200)
    }

    @Test("enable inactive: no drive, no strokes")
    func enableInactive() throws {
        let rig = SimRig()
        try rig.drive(duty: 1)
        try rig.pen.motorEnable.set(active: false)
        try rig.run(ms: 200)
        let snap = rig.pen.snapshot()
        #expect(!snap.motorDriven)
        #expect(snap.totalStrokes == 0)
        #expect(snap.strokeRateHz == 0)
    }

    @Test("PWM disabled: no drive")
    func pwmDisabled() throws {
        let rig = SimRig()
        try rig.drive(duty: 1)
        try rig.pen.motorPWM.apply(.duty(1, periodNs: 50_000, enabled: false))
        try rig.run(ms: 100)
        #expect(rig.pen.snapshot().totalStrokes == 0)
    }

    @Test("brake stops the motor fast (~5 ms); coasting takes much longer")
    func brakeVersusCoast() throws {
        let braked = SimRig()
        let coasting = SimRig()
        for rig in [braked, coasting] {
            try rig.drive(duty: 1)
            try rig.run(ms: 300)
        }
        try braked.pen.brake.set(active: true)
        try coasting.pen.motorPWM.apply(.off)
        try braked.run(ms: 25)
        try coasting.run(ms: 25)
        // Five brake time constants: 250 × e^−5 ≈ 1.7 Hz.
        #expect(braked.rate < 2)
        #expect(coasting.rate > 50)
    }

    @Test("one tach activation per stroke, at the stroke's simulated time")
    func tachMatchesStrokes() throws {
        let rig = SimRig()
        try rig.drive(duty: 0.6)
        var stamps: [UInt64] = []
        var previousTick = rig.now
        try rig.run(ms: 600) {
            while let edge = try rig.pen.tach.nextEdge() {
                #expect(edge.becameActive)
                // Each edge happened during the tick that just ended.
                #expect(edge.timestampNs > previousTick - 100_000 && edge.timestampNs <= rig.now)
                stamps.append(edge.timestampNs)
            }
            previousTick = rig.now
        }
        let snap = rig.pen.snapshot()
        #expect(stamps.count == Int(snap.totalStrokes))
        #expect(stamps.count > 60)
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 })
        // At steady 150 Hz the strokes are 6.667 ms apart (interpolated, not tick-aligned).
        let last = stamps.suffix(20)
        for (a, b) in zip(last, last.dropFirst()) {
            #expect(abs(Double(b - a) - 1e9 / 150) < 5_000)
        }
        #expect(snap.droppedTachEdges == 0)
    }

    @Test("a full tach queue drops its oldest edges and counts them")
    func tachOverflow() throws {
        var parameters = SimParameters()
        parameters.tachQueueCapacity = 8
        let rig = SimRig(parameters: parameters)
        try rig.drive(duty: 1)
        try rig.run(ms: 300)
        let snap = rig.pen.snapshot()
        #expect(snap.pendingTachEdges == 8)
        #expect(snap.droppedTachEdges == snap.totalStrokes - 8)
        // What is left are the newest edges: the last one is within a stroke of now.
        var last: UInt64 = 0
        while let edge = try rig.pen.tach.nextEdge() { last = edge.timestampNs }
        #expect(rig.now - last < 4_100_000)
    }

    @Test("results do not depend on how often the pen is called")
    func callSpacingIndependent() throws {
        var parameters = SimParameters()
        parameters.watchdogTimeoutNs = 10_000_000_000  // one beat powers the whole run
        let fine = SimRig(parameters: parameters)
        let coarse = SimRig(parameters: parameters)
        for rig in [fine, coarse] {
            try rig.drive(duty: 0.7)
            try rig.pen.heartbeat.set(active: true)
        }
        for _ in 0..<333 { fine.clock.advance(microseconds: 900) }
        coarse.clock.advance(microseconds: 333 * 900)
        let a = fine.pen.snapshot()
        let b = coarse.pen.snapshot()
        #expect(a.totalStrokes == b.totalStrokes)
        #expect(a.strokeRateHz == b.strokeRateHz)
        #expect(a.totalStrokes > 20)
        for _ in 0..<Int(a.totalStrokes) {
            #expect(try fine.pen.tach.nextEdge() == coarse.pen.tach.nextEdge())
        }
    }
}
