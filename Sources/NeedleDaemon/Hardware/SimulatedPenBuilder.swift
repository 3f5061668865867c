import NeedleConfig
import NeedleDrivers
import NeedleSim

/// The simulated pen (`--simulate`, or `[hardware] backend = "simulated"`): every device has
/// a twin in NeedleSim, the AS5600 driver reads the simulator's register model, and `sim`
/// commands reach the world side.
enum SimulatedPenBuilder {
    static func build(_ hardware: HardwareSection) throws(DaemonError) -> BuiltPen {
        // Tick time, starting from the host's monotonic time (see BuiltPen.tickClock).
        let clock = VirtualClock(nanoseconds: SystemMonotonicClock().nowNanoseconds())
        let pen = SimulatedPen(clock: clock)
        let devices = pen.makeDevices(depthSensor: AS5600(bus: pen.i2cBus))
        return BuiltPen(
            devices: devices, clock: clock, kind: .simulated, sim: SimControl(pen: pen),
            // The simulated pen ships calibrated (its collar model's own scale).
            calibration: try hardware.coreCalibration() ?? DaemonDefaults.calibration(of: SimulatedPen.calibration),
            pwmPeriodNs: try hardware.pwmPeriodNs(),
            cartridge: CartridgeEEPROM(bus: pen.i2cBus), tickClock: clock)
    }
}
