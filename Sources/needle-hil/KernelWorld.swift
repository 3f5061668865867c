#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NeedleDrivers
import NeedleHAL
import NeedleLinux
import Synchronization

/// The pen's world played on real kernel devices (the VM rig): the daemon runs its Linux
/// backend on gpio-sim lines and an i2c-stub AS5600, and this world plays the physics the
/// daemon needs from the other side —
/// - inputs: writes `pull-up`/`pull-down` to the line's `sim_gpioN/pull`;
/// - outputs: reads `sim_gpioN/value`, and the PWM from a temporary sysfs-shaped tree;
/// - motor and tach: while MOTOR_EN is high and the PWM enabled, TACH strokes at
///   250 Hz × duty (one rising edge per stroke), so a driven motor is not a stall;
/// - collar: moves toward its target at 5 mm/s (as the simulator's) in steps of at most
///   0.02 mm, written with STATUS as the 3 bytes the AS5600's block read from 0x0B returns
///   (STATUS, RAW ANGLE high, low; raw = 512 + mm × 1000) with ±1 count of noise (a real
///   AS5600's LSB jitter; the supervisor calls an angle that never changes for 50 ms a
///   frozen sensor); STATUS 0x20 (magnet detected), 0x00 for a missing magnet; a stuck
///   sensor freezes the angle.
/// Sensor read errors cannot be made on i2c-stub (it answers every read at its address):
/// `sensor error` is refused here, and its scenario runs in the simulated world only.
final class KernelWorld: World, @unchecked Sendable {
    let name = "kernel"
    static let lineNames = [
        "MOTOR_EN", "MOTOR_BRAKE", "HEARTBEAT", "LED_STATUS", "LED_FAULT",
        "DRV_NFAULT", "TACH", "TRIGGER", "ESTOP", "CARTRIDGE",
    ]
    static let outputNames = ["MOTOR_EN", "MOTOR_BRAKE", "HEARTBEAT", "LED_STATUS", "LED_FAULT"]
    static let address: UInt8 = 0x36
    /// The cartridge's ID EEPROM, a second i2c-stub chip (`chip_addr=0x36,0x50`).
    static let cartridgeAddress: UInt8 = CartridgeEEPROM.defaultAddress
    static let zeroCounts = 512.0
    static let countsPerMM = 1000.0
    static let collarSpeedMMPerS = 5.0
    static let maxCollarStepMM = 0.02
    static let ratedStrokeRateHz = 250.0

    /// sim_gpioN folder per line name.
    private let simDirs: [String: String]
    private let bus: LinuxI2CBus
    let busNumber: Int
    let pwmRoot: String
    private var pwmDir: String { pwmRoot + "/pwmchip0/pwm0" }

    struct State {
        var targetMM = 0.5
        var positionMM = 0.5
        var estopOpen = false
        var cartridgeSeated = true
        var driverFault = false
        var triggerPressed = false
        var magnetMissing = false
        var sensorStuck = false
        var tachStalled = false
        // Physics bookkeeping.
        var lastNs: UInt64 = 0
        var phase = 0.0
        var tachHigh = false
        var lastRaw: UInt16 = 0xFFFF
        var lastStatus: UInt8 = 0xFF
        var tick: UInt64 = 0
        var strokes: UInt64 = 0
    }
    private let state = Mutex(State())
    private let running = Atomic<Bool>(false)
    private var thread: pthread_t?

    /// Attached to a daemon that outlives this process (the system rig's, under systemd):
    /// the PWM tree is that daemon's, as a real chip's registers would be, and is left as
    /// it holds it; the cartridge serials are this process's own (see `init`).
    let attached: Bool

    /// - Parameter attached: see `attached`. Then the cartridge serials start at this
    ///   process's id × 100: the attached daemon's records outlive each needle-hil run,
    ///   and a serial already in them is refused at arm (issue 12), so every run must
    ///   seat serials no earlier run of this boot seated.
    init(workDirectory: String, attached: Bool = false) throws(HILError) {
        self.attached = attached
        scenariosPrepared = attached ? Int(getpid()) * 100 : 0
        var dirs: [String: String] = [:]
        for line in Self.lineNames {
            let location: GPIOLineLocation
            do { location = try GPIOChip.findLine(named: line) } catch { throw .world(error.description) }
            guard let dir = Self.simDirectory(chip: location.chip.name, offset: location.offset) else {
                throw .world("line \(line) is on \(location.chip.name), which is not a gpio-sim chip")
            }
            dirs[line] = dir
        }
        simDirs = dirs
        guard let number = Self.stubBus() else {
            throw .world("no i2c-stub adapter (insmod i2c-stub.ko chip_addr=0x36)")
        }
        busNumber = number
        do { bus = try LinuxI2CBus(bus: number, device: "hil-world-i2c") } catch { throw .world(error.description) }
        pwmRoot = workDirectory + "/pwm"
    }

    var daemonArguments: [String] {
        ["--hardware", "linux", "--i2c-bus", String(busNumber), "--pwm-root", pwmRoot]
    }

    /// /sys/devices/platform/gpio-sim.K/gpiochipM/sim_gpioN.
    static func simDirectory(chip: String, offset: UInt32) -> String? {
        let platform = "/sys/devices/platform"
        for device in Posix.entries(platform) ?? [] where device.hasPrefix("gpio-sim") {
            let dir = "\(platform)/\(device)/\(chip)/sim_gpio\(offset)"
            if Posix.exists(dir + "/pull") { return dir }
        }
        return nil
    }

    static func stubBus() -> Int? {
        for entry in Posix.entries("/sys/bus/i2c/devices") ?? [] where entry.hasPrefix("i2c-") {
            if Posix.firstLine("/sys/bus/i2c/devices/\(entry)/name") == "SMBus stub driver" { return Int(entry.dropFirst(4)) }
        }
        return nil
    }

    // MARK: World

    func prepare() throws(HILError) {
        state.withLock { $0 = State() }
        // A fresh PWM tree, pre-exported as the rig's kernel has no PWM chip. Attached, an
        // existing tree is the running daemon's: it wrote its period and duty there and
        // writes only what changes, so resetting them under it would leave the tree saying
        // period 0 while the daemon believes otherwise — the motor would never be driven
        // (the system rig's first runs failed every self-test at step motor for that).
        Posix.mkdirs(pwmDir)
        for (file, value) in [("export", ""), ("pwm0/period", "0\n"), ("pwm0/duty_cycle", "0\n"), ("pwm0/enable", "0\n"), ("pwm0/polarity", "normal\n")] {
            let path = pwmRoot + "/pwmchip0/" + file
            if attached, Posix.exists(path) { continue }
            if let error = Posix.write(value, to: path, create: true) { throw .world(error) }
        }
        try state.withLock { (s) throws(HILError) in
            try writeSensor(&s, force: true)
            try writePulls(s)
            try setPull("TACH", high: false)
        }
        try programCartridge()
    }

    private var scenariosPrepared: Int

    /// The rig's pen ships a factory calibration of 512 counts and 1 µm per count (what
    /// this world's sensor physics writes): without one a real pen refuses to arm.
    var configuration: String? {
        "[hardware.calibration]\nzero_counts = \(Self.zeroCounts)\nmm_per_count = \(1 / Self.countsPerMM)\n"
    }

    /// Out for longer than a few control ticks (the reader re-reads only after it saw the
    /// cartridge absent), a new identity programmed, then seated again.
    func seatNewCartridge() throws(HILError) {
        try state.withLock { (s) throws(HILError) in
            s.cartridgeSeated = false
            try writePulls(s)
        }
        Posix.sleep(ns: 30_000_000)
        try programCartridge()
        try state.withLock { (s) throws(HILError) in
            s.cartridgeSeated = true
            try writePulls(s)
        }
    }

    /// Every scenario starts on a fresh, unused cartridge (a new serial each time: the
    /// daemon refuses one whose used marker the previous scenario set). i2c-stub holds
    /// the bytes and does not model the 24C02's write cycle, which the daemon waits out anyway.
    private func programCartridge() throws(HILError) {
        scenariosPrepared += 1
        let number = String(scenariosPrepared)
        guard let serial = CartridgeCode("HIL" + String(repeating: "0", count: max(0, 9 - number.count)) + number),
              let lot = CartridgeCode("HIL-LOT-1")
        else { throw .world("cartridge serial for scenario \(scenariosPrepared) does not fit 12 characters") }
        let image = CartridgeImage(CartridgeIdentity(serial: serial, lot: lot, needleCount: 36, used: false))
        for offset in 0..<CartridgeLayout.imageLength {
            do {
                _ = try bus.perform(
                    .writeByteData(register: UInt8(offset), value: image[offset]), address: Self.cartridgeAddress)
            } catch {
                throw .world("i2c-stub cartridge EEPROM at 0x50 (insmod i2c-stub.ko chip_addr=0x36,0x50): \(error)")
            }
        }
    }

    func attach(client: ControlClient, ctl: Ctl) throws(HILError) {
        // The daemon's line requests applied their configured biases; the world's pulls win again.
        try state.withLock { (s) throws(HILError) in
            s.lastNs = Posix.nowNs()
            try writePulls(s)
            try setPull("TACH", high: false)
        }
        running.store(true, ordering: .sequentiallyConsistent)
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            let world = Unmanaged<KernelWorld>.fromOpaque(raw).takeRetainedValue()
            world.physicsLoop()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<KernelWorld>.fromOpaque(context).release()
            throw .world("cannot start the physics thread: \(Posix.errnoText(rc))")
        }
        thread = handle
    }

    func detach() {
        running.store(false, ordering: .sequentiallyConsistent)
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    func apply(_ change: WorldChange) throws(HILError) {
        try state.withLock { (s) throws(HILError) in
            switch change {
            case .depth(let mm): s.targetMM = mm
            case .estopOpen(let b): s.estopOpen = b
            case .cartridgeSeated(let b): s.cartridgeSeated = b
            case .driverFault(let b): s.driverFault = b
            case .triggerPressed(let b): s.triggerPressed = b
            case .magnetMissing(let b): s.magnetMissing = b
            case .sensorStuck(let b): s.sensorStuck = b
            case .tachStalled(let b): s.tachStalled = b
            case .sensorError:
                throw .world("i2c-stub answers every read at its address: sensor read errors cannot be played here")
            }
            try writePulls(s)
            try writeSensor(&s, force: false)
        }
    }

    func lines() throws(HILError) -> [String: Int] {
        var levels: [String: Int] = [:]
        for name in Self.outputNames {
            guard let dir = simDirs[name], let text = Posix.firstLine(dir + "/value"), let v = Int(text) else {
                throw .world("cannot read \(name)'s value")
            }
            levels[name] = v
        }
        levels["PWM_ENABLE"] = Int(Posix.firstLine(pwmDir + "/enable") ?? "") ?? -1
        levels["PWM_PERIOD_NS"] = Int(Posix.firstLine(pwmDir + "/period") ?? "") ?? -1
        levels["PWM_DUTY_NS"] = Int(Posix.firstLine(pwmDir + "/duty_cycle") ?? "") ?? -1
        return levels
    }

    func tripDelayNs(depthMM: Double) throws(HILError) -> UInt64? {
        guard let enable = simDirs["MOTOR_EN"] else { throw .world("no MOTOR_EN") }
        guard Posix.firstLine(enable + "/value") == "1" else { throw .world("MOTOR_EN is not high before the trip") }
        // The collar is placed past the limit in one plausible step (≤ 0.08 mm from 0.95).
        let t0 = try state.withLock { (s) throws(HILError) -> UInt64 in
            s.positionMM = depthMM
            s.targetMM = depthMM
            let t0 = Posix.nowNs()
            try writeSensor(&s, force: true)
            return t0
        }
        let deadline = t0 + 1_000_000_000
        while Posix.nowNs() < deadline {
            if Posix.firstLine(enable + "/value") == "0" { return Posix.nowNs() - t0 }
        }
        throw .world("MOTOR_EN still high 1 s after an over-depth sample")
    }

    // MARK: Physics

    private func physicsLoop() {
        while running.load(ordering: .sequentiallyConsistent) {
            let motor = readMotor()
            state.withLock { s in
                let now = Posix.nowNs()
                let dt = Double(now &- s.lastNs) / 1e9
                s.lastNs = now
                s.tick &+= 1
                // Collar: finite speed, never a jump the supervisor would call implausible.
                let step = min(Self.collarSpeedMMPerS * dt, Self.maxCollarStepMM)
                let delta = s.targetMM - s.positionMM
                s.positionMM = abs(delta) <= step ? s.targetMM : s.positionMM + (delta > 0 ? step : -step)
                // Tach: one stroke per cycle of the cam, rising edge first.
                if motor.driven, !s.tachStalled {
                    s.phase += Self.ratedStrokeRateHz * motor.duty * min(dt, 0.002)
                    s.phase -= s.phase.rounded(.down)
                    let high = s.phase < 0.5
                    if high != s.tachHigh {
                        try? setPull("TACH", high: high)
                        s.tachHigh = high
                        if high { s.strokes &+= 1 }
                    }
                }
                try? writeSensor(&s, force: false)
            }
            Posix.sleep(ns: 1_000_000)
        }
    }

    private func readMotor() -> (driven: Bool, duty: Double) {
        guard let enable = simDirs["MOTOR_EN"], Posix.firstLine(enable + "/value") == "1",
            Posix.firstLine(pwmDir + "/enable") == "1",
            let period = Double(Posix.firstLine(pwmDir + "/period") ?? ""), period > 0,
            let duty = Double(Posix.firstLine(pwmDir + "/duty_cycle") ?? "")
        else { return (false, 0) }
        return (true, min(max(duty / period, 0), 1))
    }

    private func writeSensor(_ s: inout State, force: Bool) throws(HILError) {
        let status: UInt8 = s.magnetMissing ? 0x00 : 0x20
        var raw = s.lastRaw
        if !s.sensorStuck || force {
            let noise = Double(Int(s.tick % 3) - 1)
            let counts = (Self.zeroCounts + s.positionMM * Self.countsPerMM + noise).rounded()
            raw = UInt16(min(max(counts, 0), 4095))
        }
        guard force || status != s.lastStatus || raw != s.lastRaw else { return }
        // STATUS, RAW ANGLE high, RAW ANGLE low in ONE block write, because the daemon reads
        // them in one block read: i2c-stub serialises transfers, so a read never sees half
        // of a change (two writes could tear the angle across a 256-count boundary).
        // i2c-stub keeps a word per register and block transfers use each word's low byte.
        let bytes = SMBusBlock.pack([status, UInt8(raw >> 8), UInt8(raw & 0xFF)])
        try smbus(.writeI2CBlockData(register: 0x0B, count: 3, bytes: bytes))
        s.lastStatus = status
        s.lastRaw = raw
    }

    private func smbus(_ op: SMBusOperation) throws(HILError) {
        do { _ = try bus.perform(op, address: Self.address) } catch { throw .world("i2c-stub write: \(error)") }
    }

    private func writePulls(_ s: State) throws(HILError) {
        try setPull("ESTOP", high: s.estopOpen)  // NC loop to ground: open = high = stop
        try setPull("CARTRIDGE", high: !s.cartridgeSeated)  // switch to ground when seated
        try setPull("DRV_NFAULT", high: !s.driverFault)  // open drain, low = fault
        try setPull("TRIGGER", high: !s.triggerPressed)  // to ground when pressed
    }

    private func setPull(_ line: String, high: Bool) throws(HILError) {
        guard let dir = simDirs[line] else { throw .world("no line \(line)") }
        if let error = Posix.write(high ? "pull-up" : "pull-down", to: dir + "/pull") { throw .world(error) }
    }
}
