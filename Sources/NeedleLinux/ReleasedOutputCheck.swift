/// Whether the running kernel lets a released GPIO output fall back to its pull.
///
/// Upstream pinctrl drivers return a freed line to an input, so after a crash the motor
/// enable's pull-down wins (DESIGN §3 rule 4). Raspberry Pi kernels do not by default:
/// pinctrl-bcm2835 (Pi 0–4) and pinctrl-rp1 (Pi 5) keep a released output driven at its
/// last level unless `dtparam=strict_gpiod` is in config.txt (raspberrypi/linux #6117) or
/// the module parameter `persist_gpio_outputs` is off (#6150, upstream 8ff05989b44e). On
/// such a kernel a crash with the motor running leaves MOTOR_EN high. The drivers say which
/// way they behave under /sys/module:
/// - `<module>/parameters/persist_gpio_outputs` — `Y` keeps outputs (the Pi's default);
/// - `<module>/parameters/strict_gpiod` — the first form (#6117, before #6150): `N` keeps them.
public enum ReleasedOutputCheck {
    /// The Pi's pinctrl modules, as /sys/module names them (dashes become underscores).
    public static let modules = ["pinctrl_bcm2835", "pinctrl_rp1"]
    /// Labels of the GPIO chips those drivers register; a pen on one of them whose kernel
    /// shows neither parameter runs a Pi kernel older than #6117, which keeps outputs.
    public static let piChipLabels: Set<String> = ["pinctrl-bcm2835", "pinctrl-bcm2711", "pinctrl-rp1"]

    /// What config.txt needs, for the refusal's message and the hardware README.
    public static let remedy =
        "add `dtparam=strict_gpiod` to /boot/firmware/config.txt (or `pinctrl_bcm2835.persist_gpio_outputs=n "
        + "pinctrl_rp1.persist_gpio_outputs=n` to cmdline.txt) and reboot"

    public enum Finding: Equatable, Sendable {
        /// Released outputs revert to inputs (or no Pi driver is involved).
        case reverts
        /// Released outputs stay driven; `evidence` says which file said so.
        case persists(evidence: String)
        /// The kernel does not say (a parameter unreadable or unexpected, or a Pi chip with
        /// neither parameter): treated as persisting.
        case unknown(evidence: String)

        /// Whether the motor may be driven on this kernel.
        public var allowsMotor: Bool { self == .reverts }
    }

    /// Reads the parameters under `sysModule` (tests point it at a fake tree). `chipLabel`
    /// is the label of the chip holding the motor enable.
    public static func check(sysModule: String = "/sys/module", chipLabel: String) -> Finding {
        var sawParameter = false
        for module in modules {
            let parameters = "\(sysModule)/\(module)/parameters"
            for (name, persistsWhen) in [("persist_gpio_outputs", true), ("strict_gpiod", false)] {
                let path = "\(parameters)/\(name)"
                guard FileSystem.exists(path) else { continue }
                sawParameter = true
                switch FileSystem.read(path, limit: 64) {
                case .failure(let e):
                    return .unknown(evidence: "\(path) could not be read: \(errnoText(e.errno))")
                case .success(let text):
                    guard let value = parseBool(text) else {
                        return .unknown(evidence: "\(path) holds '\(text.trimmed)', neither Y nor N")
                    }
                    if value == persistsWhen { return .persists(evidence: "\(path) = \(text.trimmed)") }
                }
            }
        }
        if !sawParameter, piChipLabels.contains(chipLabel) {
            return .unknown(evidence:
                "the GPIO chip is \(chipLabel) but \(sysModule) shows no persist_gpio_outputs or strict_gpiod parameter "
                + "(a Raspberry Pi kernel older than raspberrypi/linux #6117 keeps released outputs driven)")
        }
        return .reverts
    }

    /// A bool module parameter as the kernel prints it (Y/N; 1/0 accepted).
    static func parseBool(_ text: String) -> Bool? {
        switch text.trimmed {
        case "Y", "y", "1": true
        case "N", "n", "0": false
        default: nil
        }
    }
}

extension String {
    fileprivate var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
