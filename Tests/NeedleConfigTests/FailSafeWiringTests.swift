import Foundation
import NeedleConfig
import Testing

/// DESIGN §3 rule 8 (issue 9 item 10): no configuration may invert a safety line's
/// fail-safe level. Reference wiring (hardware/README.md): MOTOR_EN active high with a
/// 10 kΩ pull-down; MOTOR_BRAKE (AIN2) active high, pulled down; ESTOP a normally-closed
/// loop to ground with a 10 kΩ pull-up, high = stop.
@Suite("Config: fail-safe wiring of MOTOR_EN, MOTOR_BRAKE and ESTOP")
struct FailSafeWiringTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var table: String
        var line: String
        var key: String
        var value: String
        var testDescription: String { "\(table).\(key) = \(value)" }

        var toml: String { "[hardware.gpio.\(table)]\nline = \"\(line)\"\n\(key) = \(value)\n" }
    }

    static let refused: [Case] = [
        Case(table: "motor_enable", line: "MOTOR_EN", key: "active_low", value: "true"),
        Case(table: "motor_enable", line: "MOTOR_EN", key: "bias", value: "\"pull-up\""),
        Case(table: "brake", line: "MOTOR_BRAKE", key: "active_low", value: "true"),
        Case(table: "brake", line: "MOTOR_BRAKE", key: "bias", value: "\"pull-up\""),
        Case(table: "estop", line: "ESTOP", key: "active_low", value: "true"),
        Case(table: "estop", line: "ESTOP", key: "bias", value: "\"pull-down\""),
    ]

    static let allowed: [Case] = [
        Case(table: "motor_enable", line: "MOTOR_EN", key: "active_low", value: "false"),
        Case(table: "motor_enable", line: "MOTOR_EN", key: "bias", value: "\"pull-down\""),
        Case(table: "motor_enable", line: "MOTOR_EN", key: "bias", value: "\"as-is\""),
        Case(table: "motor_enable", line: "MOTOR_EN", key: "bias", value: "\"disabled\""),
        Case(table: "brake", line: "MOTOR_BRAKE", key: "active_low", value: "false"),
        Case(table: "brake", line: "MOTOR_BRAKE", key: "bias", value: "\"pull-down\""),
        Case(table: "brake", line: "MOTOR_BRAKE", key: "bias", value: "\"as-is\""),
        Case(table: "brake", line: "MOTOR_BRAKE", key: "bias", value: "\"disabled\""),
        Case(table: "estop", line: "ESTOP", key: "active_low", value: "false"),
        Case(table: "estop", line: "ESTOP", key: "bias", value: "\"pull-up\""),
        Case(table: "estop", line: "ESTOP", key: "bias", value: "\"as-is\""),
        Case(table: "estop", line: "ESTOP", key: "bias", value: "\"disabled\""),
        // Lines outside the check keep their freedom (their inversion is not a fail-safe level).
        Case(table: "heartbeat", line: "HEARTBEAT", key: "active_low", value: "true"),
        Case(table: "status_led", line: "LED_STATUS", key: "bias", value: "\"pull-up\""),
    ]

    @Test("an inverted level, or a pull toward the unsafe level, is refused naming the key and why", arguments: refused)
    func refusedCase(_ c: Case) {
        do {
            _ = try NeedledConfig.parse(toml: c.toml)
            Issue.record("accepted: \(c.testDescription)")
        } catch {
            #expect(error.kind == .unsafeWiring)
            #expect(error.field == "hardware.gpio.\(c.table).\(c.key)")
            #expect(error.description.hasPrefix("hardware.gpio.\(c.table).\(c.key) = \(c.value): refused: "), "\(error)")
            #expect(error.description.contains(c.line), "the message says which line and why: \(error)")
        }
    }

    @Test("the wiring as designed, and pulls toward the safe level, are accepted", arguments: allowed)
    func allowedCase(_ c: Case) throws {
        _ = try NeedledConfig.parse(toml: c.toml)
    }

    @Test("the check guards a section built in code too (the Linux builder calls it)")
    func checkOnModel() throws {
        var gpio = GPIOSection()
        try FailSafeWiring.check(gpio)
        gpio.lines[.estop]?.activeLow = true
        #expect(throws: ConfigError.self) { try FailSafeWiring.check(gpio) }
        #expect(FailSafeWiring.safetyRoles == [.motorEnable, .brake, .estop])
    }

    @Test("both shipped example files still validate: config/needled.toml and hardware/needled-hardware.toml")
    func examplesValidate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for file in ["config/needled.toml", "hardware/needled-hardware.toml"] {
            let text = try String(contentsOfFile: root.appendingPathComponent(file).path, encoding: .utf8)
            let config = try NeedledConfig.parse(toml: text)
            try FailSafeWiring.check(config.hardware.gpio)
        }
    }
}
