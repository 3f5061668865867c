/// Where the pen's physics lives: the daemon's own simulated pen, or the VM's kernel
/// devices played by `KernelWorld`. The same scenario steps drive either.
protocol World: AnyObject {
    var name: String { get }
    /// needled's arguments that select this world's backend (the socket is added by the runner).
    var daemonArguments: [String] { get }
    /// Before the daemon starts: the world's initial state.
    func prepare() throws(HILError)
    /// After the daemon answers on its socket: apply the world state, start the physics.
    func attach(client: ControlClient, ctl: Ctl) throws(HILError)
    func apply(_ change: WorldChange) throws(HILError)
    /// Output levels by line name (1 = high), plus PWM_ENABLE, PWM_PERIOD_NS, PWM_DUTY_NS.
    func lines() throws(HILError) -> [String: Int]
    /// The delay from an over-depth sample appearing on the sensor to MOTOR_EN reading low,
    /// in ns, for one trip from a running motor; nil where the world cannot measure it.
    func tripDelayNs(depthMM: Double) throws(HILError) -> UInt64?
    /// Pulls the cartridge and seats a fresh, unused one (a new session needs one).
    func seatNewCartridge() throws(HILError)
    /// A configuration file for needled (`--config`), e.g. the pen's factory calibration;
    /// nil for none.
    var configuration: String? { get }
    /// After the scenario: stop the physics.
    func detach()
}

/// Runs needlectl against the scenario's daemon.
struct Ctl {
    var path: String
    var socket: String
    var outputPath: String

    func run(_ arguments: [String]) throws(HILError) -> (Child.Termination, String) {
        try Child.run(
            path: path, arguments: arguments + ["--socket", socket], outputPath: outputPath,
            timeoutNs: 10_000_000_000)
    }

    /// Runs needlectl and throws unless it exits 0.
    func must(_ arguments: [String]) throws(HILError) {
        let (termination, output) = try run(arguments)
        guard termination == .exited(0) else {
            throw .world("needlectl \(arguments.joined(separator: " ")): \(termination): \(output)")
        }
    }
}

/// The daemon's simulated pen: world changes through `needlectl sim …`, output levels
/// through the `sim lines` request.
final class SimWorld: World {
    let name = "sim"
    var daemonArguments: [String] { ["--simulate"] }
    private var client: ControlClient?
    private var ctl: Ctl?

    func prepare() throws(HILError) {}

    func attach(client: ControlClient, ctl: Ctl) throws(HILError) {
        self.client = client
        self.ctl = ctl
    }

    func apply(_ change: WorldChange) throws(HILError) {
        guard let ctl else { throw .world("not attached") }
        func fault(_ name: String, _ on: Bool) -> [String] { ["sim", "fault", name] + (on ? [] : ["--clear"]) }
        let args: [String]
        switch change {
        case .depth(let mm): args = ["sim", "depth", String(mm)]
        case .estopOpen(let open): args = fault("estop", open)
        case .cartridgeSeated(let seated): args = fault("cartridge-removed", !seated)
        case .driverFault(let on): args = fault("driver-fault", on)
        case .triggerPressed(let pressed): args = ["sim", "trigger", pressed ? "press" : "release"]
        case .magnetMissing(let on): args = fault("magnet-missing", on)
        case .sensorStuck(let on):
            if !on { try ctl.must(fault("sensor-error", false)) }
            args = fault("sensor-stuck", on)
        case .sensorError(let on): args = fault("sensor-error", on)
        case .tachStalled(let on): args = fault("stall", on)
        }
        try ctl.must(args)
    }

    func lines() throws(HILError) -> [String: Int] {
        guard let client else { throw .world("not attached") }
        guard case .object(let object) = try client.request("sim", argsJSON: #"{"action":"lines"}"#) else {
            throw .world("sim lines: not an object")
        }
        var levels: [String: Int] = [:]
        for (key, value) in object { if let n = value.number { levels[key] = Int(n) } }
        return levels
    }

    func tripDelayNs(depthMM: Double) throws(HILError) -> UInt64? { nil }

    var configuration: String? { nil }

    private var cartridges = 0

    func seatNewCartridge() throws(HILError) {
        guard let ctl else { throw .world("not attached") }
        cartridges += 1
        try ctl.must(["sim", "cartridge", "remove"])
        try ctl.must(["sim", "cartridge", "insert", "--serial", "HILSIM\(cartridges)", "--lot", "HIL-LOT-1", "--needles", "36"])
    }

    func detach() {
        client = nil
        ctl = nil
    }
}
