import NeedleDrivers
import NeedleHAL
import NeedleSim

/// A simulated pen on a virtual clock, driven the way the daemon drives it: 1 ms ticks,
/// each toggling the heartbeat.
final class SimRig {
    let clock = VirtualClock(nanoseconds: 1_000_000_000)
    let pen: SimulatedPen
    let sensor: AS5600
    private var beat = false

    init(parameters: SimParameters = SimParameters()) {
        pen = SimulatedPen(clock: clock, parameters: parameters)
        sensor = AS5600(bus: pen.i2cBus)
    }

    var now: UInt64 { clock.nowNanoseconds() }

    /// Enable on, brake off, PWM at `duty` (20 kHz).
    func drive(duty: Double) throws {
        try pen.motorEnable.set(active: true)
        try pen.brake.set(active: false)
        try pen.motorPWM.apply(.duty(duty, periodNs: 50_000))
    }

    /// Advances `ms` milliseconds in 1 ms ticks, toggling the heartbeat each tick unless
    /// told not to; `each` runs after every tick.
    func run(ms: Int, heartbeat: Bool = true, each: () throws -> Void = {}) throws {
        for _ in 0..<ms {
            if heartbeat {
                beat.toggle()
                try pen.heartbeat.set(active: beat)
            }
            clock.advance(milliseconds: 1)
            try each()
        }
    }

    var rate: Double { pen.snapshot().strokeRateHz }
}
