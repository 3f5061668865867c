import Testing
@testable import NeedleCore

/// What the core's input and output values mean when a caller leaves a field out. The
/// daemon's start-up trip-path exercise (`TripPathExercise`) builds its ticks from
/// `Readings(nowNs:depth:)` and sets only the depth and strokes, and the loop starts from
/// (and forces) `OutputCommand.safe`: both rely on these values.
@Suite("Readings and outputs: their defaults")
struct ReadingsContractTests {
    @Test("Readings(nowNs:depth:) is a quiet pen: no e-stop, no driver fault, a cartridge seated, no trigger, no strokes, outputs written")
    func quietReadings() {
        let readings = Readings(nowNs: 42, depth: .readError)
        #expect(readings.nowNs == 42 && readings.depth == .readError)
        #expect(!readings.estop && !readings.driverFault)
        #expect(readings.cartridgePresent && readings.cartridge == .unknown)
        #expect(!readings.triggerHeld && readings.triggerEdges == 0)
        #expect(readings.strokes == 0 && readings.lastStrokeNs == 0)
        #expect(readings.outputsWritten)
    }

    @Test("OutputCommand.safe drives nothing: motor off at duty 0, heartbeat low, LEDs dark, no cartridge marker asked for")
    func safeOutputs() {
        let safe = OutputCommand.safe
        #expect(!safe.motorEnable && safe.motorDuty == 0)
        #expect(!safe.heartbeat && !safe.statusLED && !safe.faultLED)
        #expect(!safe.markCartridgeUsed)
    }
}
