/// The depth collar: the operator turns it toward a setpoint, and it moves there at a
/// finite speed. It never jumps, so the sensor's readings change only as fast as a hand
/// can turn the collar (which is what makes a jump in readings a fault).
struct Collar: Sendable {
    private(set) var positionMM: Double
    var targetMM: Double
    var speedMMPerS: Double

    init(positionMM: Double, speedMMPerS: Double) {
        self.positionMM = positionMM
        targetMM = positionMM
        self.speedMMPerS = speedMMPerS
    }

    var atTarget: Bool { positionMM == targetMM }

    mutating func step(seconds: Double) {
        let remaining = targetMM - positionMM
        let travel = max(speedMMPerS, 0) * seconds
        if abs(remaining) <= travel {
            positionMM = targetMM
        } else {
            positionMM += remaining > 0 ? travel : -travel
        }
    }
}
