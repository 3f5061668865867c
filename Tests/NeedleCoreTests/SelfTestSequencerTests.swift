import Testing
@testable import NeedleCore

/// The self-test's steps one by one, on the sequencer alone: each step's sample count,
/// spread and timeout to the nanosecond, so a step that advances a sample early or times
/// out late is seen (issue 9 §4: found by mutation testing).
@Suite("Self-test steps, exactly")
struct SelfTestSequencerTests {
    static let cartridge = CartridgeStatus.identified(CartridgeInfo(
        serial: CartridgeTag(low: 1, high: 0), lot: CartridgeTag(low: 1, high: 0), needleCount: 36, used: false))

    /// One sequencer fed at chosen times (default: 1 ms after the last step).
    struct Feed {
        var sequencer: SelfTestSequencer
        var nowNs: UInt64 = 0

        init(includeMotor: Bool = true) {
            sequencer = SelfTestSequencer(startNs: 0, includeMotor: includeMotor)
        }

        var result: SelfTestResult { sequencer.result }

        mutating func step(
            _ depth: DepthInput = .reading(rawAngle: 1000, magnetGood: true), at ns: UInt64? = nil,
            cartridge: CartridgeStatus = SelfTestSequencerTests.cartridge, required: Bool = true,
            strokes: Int = 0, written: Bool = true
        ) {
            nowNs = ns ?? nowNs + 1_000_000
            sequencer.step(SelfTestSequencer.Input(
                nowNs: nowNs, depth: depth, cartridge: cartridge, cartridgeIdentityRequired: required,
                strokes: strokes, outputsWritten: written, mmPerCount: 0.001))
        }

        /// Steps with good samples until the test reaches `step` (at most 1000 times).
        mutating func reach(_ step: SelfTestStep) {
            for _ in 0..<1000 where result != .running(step) { self.step(strokes: 1) }
        }
    }

    @Test("the sensor step needs 5 good samples in a row; a bad one starts the count again")
    func sensorSamples() {
        var f = Feed()
        for _ in 0..<4 { f.step() }
        f.step(.readError)
        for _ in 0..<4 { f.step() }
        #expect(f.result == .running(.sensor))
        #expect(f.sequencer.motorCheck == .notRun, "the motor step has not begun")
        f.step()
        #expect(f.result == .running(.steady))
    }

    @Test("the sensor step fails at exactly 50 ms without 5 good samples")
    func sensorTimeout() {
        var f = Feed()
        f.step(.readError, at: 50_000_000 - 1)
        #expect(f.result == .running(.sensor))
        f.step(.readError, at: 50_000_000)
        #expect(f.result == .failed(.sensor))
    }

    @Test("the steady step takes 50 samples; a spread of 0.019 mm passes, 0.020 mm fails")
    func steadySpread() {
        for (spread, passes) in [(UInt16(19), true), (20, false)] {
            var f = Feed()
            f.reach(.steady)
            f.step(.reading(rawAngle: 1000 + spread, magnetGood: true))
            for _ in 0..<48 { f.step() }
            #expect(f.result == .running(.steady), "49 samples")
            f.step()
            #expect(f.result == (passes ? .running(.cartridge) : .failed(.steady)), "spread \(spread) counts")
        }
    }

    @Test("the steady step fails at once on an invalid sample")
    func steadyInvalid() {
        var f = Feed()
        f.reach(.steady)
        f.step(.reading(rawAngle: 1000, magnetGood: false))
        #expect(f.result == .failed(.steady))
    }

    @Test("the cartridge step waits for the reader 300 ms to the nanosecond; no identity needed, it goes on")
    func cartridgeTimeout() {
        var f = Feed()
        f.reach(.cartridge)
        let start = f.nowNs
        f.step(at: start + 300_000_000 - 1, cartridge: .reading)
        #expect(f.result == .running(.cartridge))
        f.step(at: start + 300_000_000, cartridge: .reading)
        #expect(f.result == .failed(.cartridge))

        var legacy = Feed()
        legacy.reach(.cartridge)
        legacy.step(cartridge: .unknown, required: false)
        #expect(legacy.result == .running(.motor))
        var absent = Feed()
        absent.reach(.cartridge)
        absent.step(cartridge: .absent)
        #expect(absent.result == .failed(.cartridge))
    }

    @Test("the motor step needs 2 strokes and fails at exactly 200 ms without them")
    func motorStrokesAndTimeout() {
        var f = Feed()
        f.reach(.motor)
        #expect(f.sequencer.spin && f.sequencer.motorCheck == .running)
        let start = f.nowNs
        f.step(at: start + 200_000_000 - 1, strokes: 1)
        #expect(f.result == .running(.motor))
        f.step(at: start + 200_000_000, strokes: 0)
        #expect(f.result == .failed(.motor))
        #expect(!f.sequencer.spin && f.sequencer.motorCheck == .failed)

        var g = Feed()
        g.reach(.motor)
        g.step(strokes: 1)
        #expect(g.result == .running(.motor))
        g.step(strokes: 1)
        #expect(g.result == .running(.heartbeat))
    }

    @Test("the heartbeat step passes after exactly 30 ms of written outputs; one failed write fails it")
    func heartbeatWindow() {
        var f = Feed()
        f.reach(.heartbeat)
        let start = f.nowNs
        f.step(at: start + 30_000_000 - 1)
        #expect(f.result == .running(.heartbeat))
        #expect(f.sequencer.spin, "the motor keeps spinning through the heartbeat step")
        f.step(at: start + 30_000_000)
        #expect(f.result == .passed)
        #expect(f.sequencer.motorCheck == .passed)

        var g = Feed()
        g.reach(.heartbeat)
        g.step(written: false)
        #expect(g.result == .failed(.heartbeat))
        #expect(g.sequencer.motorCheck == .failed)
    }

    @Test("without the motor step the cartridge step leads to the heartbeat, and nothing spins")
    func withoutMotor() {
        var f = Feed(includeMotor: false)
        f.reach(.cartridge)
        f.step()
        #expect(f.result == .running(.heartbeat))
        #expect(!f.sequencer.spin && f.sequencer.motorCheck == .notRun)
    }

    @Test("a failure before the motor step leaves the motor check not run")
    func earlyFailureMotorNotRun() {
        var f = Feed()
        f.reach(.cartridge)
        f.step(cartridge: .unreadable)
        #expect(f.result == .failed(.cartridge))
        #expect(f.sequencer.motorCheck == .notRun)
    }
}
