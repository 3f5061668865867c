/// DESIGN §3 rule 8: no configuration may invert a safety line's fail-safe level.
///
/// Three lines decide whether the motor can turn when no process drives them (a crash, a
/// released line, a broken wire), and the reference wiring (hardware/README.md) gives each
/// one level that means "motor off" and a hardware pull to that level:
/// - **MOTOR_EN** is active high and has an external 10 kΩ pull-down into the AND gate
///   before the DRV8833's nSLEEP: low = driver asleep.
/// - **MOTOR_BRAKE** (the DRV8833's AIN2) is active high and is pulled down (SoC pull-down,
///   and the DRV8833's own input pull-down): low = coast. High while AIN1 runs the PWM
///   is not a brake but reverse drive during every PWM-low phase.
/// - **ESTOP** is a normally-closed loop to ground with an external 10 kΩ pull-up: high
///   (pressed, or a broken wire) = stop requested, i.e. active high.
///
/// `active_low` would swap a line's meaning against its wiring: the daemon would drive
/// MOTOR_EN or AIN2 high to mean "off", or read a broken e-stop loop as "run". A `bias`
/// toward the unsafe level makes a weak SoC pull fight the hardware one, and decides alone
/// when that resistor is missing or cracked. Both are refused. A bias toward the safe level,
/// `as-is` (what config.txt and the power-on pulls set) and `disabled` (the hardware pull
/// alone, as wired) are allowed.
public enum FailSafeWiring {
    /// The level that stops the motor, and the bias that would pull a released line away
    /// from it, per safety line.
    struct Rule {
        let role: LineRole
        /// Why this line must stay as wired, for the error message.
        let why: String
        let unsafeBias: LineSpec.Bias
    }

    static let rules: [Rule] = [
        Rule(role: .motorEnable,
             why: "MOTOR_EN is active high with a hardware pull-down (DESIGN §3 rule 4): low must mean motor off",
             unsafeBias: .pullUp),
        Rule(role: .brake,
             why: "MOTOR_BRAKE (DRV8833 AIN2) is active high and pulled down: high while AIN1 runs the PWM drives the motor in reverse",
             unsafeBias: .pullUp),
        Rule(role: .estop,
             why: "ESTOP is a normally-closed loop to ground with a pull-up: high (pressed, or a broken wire) must mean stop",
             unsafeBias: .pullDown),
    ]

    /// The lines whose level this check protects.
    public static var safetyRoles: [LineRole] { rules.map(\.role) }

    /// Refuses a GPIO section that inverts a safety line's active level or pulls it toward
    /// its unsafe level; the error names the key (`hardware.gpio.<role>.active_low` or
    /// `.bias`) and why.
    public static func check(_ gpio: GPIOSection) throws(ConfigError) {
        for rule in rules {
            guard let spec = gpio.lines[rule.role] else { continue }
            let table = "hardware.gpio.\(rule.role.rawValue)"
            if spec.activeLow {
                throw ConfigError(
                    .unsafeWiring, field: table + ".active_low", value: "true",
                    allowed: "must be false: \(rule.why)")
            }
            if spec.bias == rule.unsafeBias {
                throw ConfigError(
                    .unsafeWiring, field: table + ".bias", value: "\"\(spec.bias.rawValue)\"",
                    allowed: "a \(spec.bias.rawValue) pulls a released line to its unsafe level; use \"\(rule.unsafeBias == .pullUp ? "pull-down" : "pull-up")\", \"as-is\" or \"disabled\": \(rule.why)")
            }
        }
    }
}
