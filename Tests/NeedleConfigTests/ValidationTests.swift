import NeedleConfig
import Testing

/// Each bad value, the field its error names, and a piece of the allowed range it states.
struct BadValue: Sendable, CustomTestStringConvertible {
    var toml: String
    var field: String
    var kind: ConfigError.Kind
    var mentions: String
    var testDescription: String { toml.replacingOccurrences(of: "\n", with: " ") }

    init(_ toml: String, _ field: String, _ kind: ConfigError.Kind, _ mentions: String) {
        self.toml = toml
        self.field = field
        self.kind = kind
        self.mentions = mentions
    }
}

@Suite("Config validation")
struct ValidationTests {
    static let badValues: [BadValue] = [
        .init("[daemon]\nrate_hz = 99", "daemon.rate_hz", .outOfRange, "400...8000"),
        .init("[daemon]\nrate_hz = 399", "daemon.rate_hz", .outOfRange, "sensor timeout"),
        .init("[daemon]\nrate_hz = 8001", "daemon.rate_hz", .outOfRange, "400...8000"),
        .init("[daemon]\nlog_level = \"verbose\"", "daemon.log_level", .notAllowed, "trace, debug, info"),
        .init("[daemon]\nsocket = \"relative.sock\"", "daemon.socket", .notAllowed, "absolute"),
        .init("[daemon]\nsocket = \"/\(String(repeating: "x", count: 120))\"", "daemon.socket", .notAllowed, "107 bytes"),
        .init("[daemon]\nsocket_group = \"\"", "daemon.socket_group", .notAllowed, "non-empty"),
        .init("[daemon]\nstate_directory = \"var/lib\"", "daemon.state_directory", .notAllowed, "absolute"),
        .init("[safety]\ntolerance_mm = 0.06", "safety.tolerance_mm", .outOfRange, "stricter"),
        .init("[safety]\ntolerance_mm = 0.005", "safety.tolerance_mm", .outOfRange, "0.01...0.05"),
        .init("[safety]\ntolerance_mm = nan", "safety.tolerance_mm", .outOfRange, "finite"),
        .init("[access]\noperator_users = [-1]", "access.operator_users", .outOfRange, "0...4294967294"),
        .init("[access]\nclinician_groups = [\"\"]", "access.clinician_groups", .wrongType, "non-empty"),
        .init("[access]\nobserver_users = \"alice\"", "access.observer_users", .wrongType, "an array"),
        .init("[hardware]\nbackend = \"gpio\"", "hardware.backend", .notAllowed, "simulated, linux"),
        .init("[hardware.i2c]\naddress = 0x78", "hardware.i2c.address", .outOfRange, "0x3...0x77"),
        .init("[hardware.i2c]\naddress = 2", "hardware.i2c.address", .outOfRange, "0x77"),
        .init("[hardware.i2c]\nbus = -1", "hardware.i2c.bus", .outOfRange, "0 or more"),
        .init("[hardware.pwm]\nfrequency_hz = 5", "hardware.pwm.frequency_hz", .outOfRange, "1000...100000"),
        .init("[hardware.pwm]\nfrequency_hz = 100001", "hardware.pwm.frequency_hz", .outOfRange, "1000...100000"),
        .init("[hardware.pwm]\npolarity = \"inverted\"", "hardware.pwm.polarity", .notAllowed, "normal, inversed"),
        .init("[hardware.pwm]\nchannel = -2", "hardware.pwm.channel", .outOfRange, "0 or more"),
        .init("[hardware.calibration]\nmm_per_count = 0", "hardware.calibration.mm_per_count", .outOfRange, "greater than 0"),
        .init("[hardware.calibration]\nmm_per_count = -0.001", "hardware.calibration.mm_per_count", .outOfRange, "greater than 0"),
        .init("[hardware.calibration]\nmm_per_count = inf", "hardware.calibration.mm_per_count", .outOfRange, "finite"),
        .init("[hardware.calibration]\nzero_counts = 4096", "hardware.calibration.zero_counts", .outOfRange, "0.0...4095.0"),
        .init("[hardware.gpio.tach]\noffset = -1", "hardware.gpio.tach.offset", .outOfRange, "0..."),
        .init("[hardware.gpio.trigger]\nline = \"TRIGGER\"\nbias = \"pullup\"", "hardware.gpio.trigger.bias", .notAllowed, "pull-up"),
        .init("[hardware.gpio.motor_enable]\nline = \"MOTOR_EN\"\noffset = 23", "hardware.gpio.motor_enable", .conflict, "not both"),
        .init("[hardware.gpio.motor_enable]\nbias = \"pull-down\"", "hardware.gpio.motor_enable", .conflict, "line"),
        .init("[hardware.gpio]\nchip = \"\"", "hardware.gpio.chip", .notAllowed, "non-empty"),
    ]

    @Test("each bad value is refused, naming the field and the allowed range", arguments: badValues)
    func badValue(_ bad: BadValue) {
        #expect(throws: ConfigError.self) { try NeedledConfig.parse(toml: bad.toml) }
        do {
            _ = try NeedledConfig.parse(toml: bad.toml)
        } catch {
            #expect(error.field == bad.field)
            #expect(error.kind == bad.kind)
            #expect(error.description.hasPrefix(bad.field) || error.description.hasPrefix("[\(bad.field)]"), "\(error)")
            #expect(error.description.contains(bad.mentions), "\(error)")
        }
    }

    @Test("the error reads as field = value: must be within range")
    func descriptionFormat() {
        do {
            _ = try NeedledConfig.parse(toml: "[hardware.pwm]\nfrequency_hz = 5\n")
            Issue.record("accepted frequency_hz = 5")
        } catch {
            #expect(error.description == "hardware.pwm.frequency_hz = 5: must be within 1000...100000")
            #expect(error.value == "5")
            #expect(error.allowed == "1000...100000")
        }
    }

    @Test("an unknown key is refused by name, listing the known keys")
    func unknownKey() {
        do {
            _ = try NeedledConfig.parse(toml: "[hardware.pwm]\nfrequncy_hz = 20000\n")
            Issue.record("accepted an unknown key")
        } catch {
            #expect(error.kind == .unknownKey)
            #expect(error.field == "hardware.pwm.frequncy_hz")
            #expect(error.description.contains("frequency_hz"))
        }
        do {
            _ = try NeedledConfig.parse(toml: "verbose = true\n")
            Issue.record("accepted an unknown top-level key")
        } catch {
            #expect(error.kind == .unknownKey)
            #expect(error.field == "verbose")
        }
    }

    @Test("an unknown table is refused by name, also among the line roles")
    func unknownTable() {
        for (toml, field) in [("[deamon]\n", "deamon"), ("[hardware.spi]\n", "hardware.spi"),
                              ("[hardware.gpio.motr_enable]\noffset = 1\n", "hardware.gpio.motr_enable")] {
            do {
                _ = try NeedledConfig.parse(toml: toml)
                Issue.record("accepted \(toml)")
            } catch {
                #expect(error.kind == .unknownTable)
                #expect(error.field == field)
                #expect(error.description.hasPrefix("[\(field)]: unknown table"))
            }
        }
    }

    @Test("a value of the wrong type is refused, naming the type wanted")
    func wrongType() {
        let cases: [(String, String, String)] = [
            ("[daemon]\nrate_hz = \"fast\"", "daemon.rate_hz", "daemon.rate_hz = \"fast\": must be an integer"),
            ("[daemon]\nrate_hz = 1000.5", "daemon.rate_hz", "must be an integer"),
            ("[safety]\ntolerance_mm = \"0.03\"", "safety.tolerance_mm", "must be a number"),
            ("[hardware.gpio.tach]\nline = \"TACH\"\nactive_low = 1", "hardware.gpio.tach.active_low", "true or false"),
            ("daemon = 3", "daemon", "must be a table"),
            ("[daemon.socket]\npath = \"/x\"", "daemon.socket", "must be a string"),
        ]
        for (toml, field, text) in cases {
            do {
                _ = try NeedledConfig.parse(toml: toml)
                Issue.record("accepted \(toml)")
            } catch {
                #expect(error.kind == .wrongType, "\(error)")
                #expect(error.field == field)
                #expect(error.description.contains(text), "\(error)")
            }
        }
    }

    @Test("a TOML syntax error is refused with its line")
    func syntax() {
        do {
            _ = try NeedledConfig.parse(toml: "[daemon]\nrate_hz = = 3\n")
            Issue.record("accepted bad TOML")
        } catch {
            #expect(error.kind == .syntax)
            #expect(error.description.contains("line 2"), "\(error)")
        }
    }

    @Test("good values are read into the model; a line table keeps its role's active level and bias")
    func goodValues() throws {
        let config = try NeedledConfig.parse(toml: """
            [daemon]
            socket = "/tmp/n.sock"
            socket_group = "needle"
            rate_hz = 2000
            log_level = "debug"
            [access]
            operator_users = ["alice", 1001]
            clinician_groups = [2000]
            [safety]
            tolerance_mm = 0.02
            [hardware]
            backend = "linux"
            [hardware.gpio]
            chip = "gpiochip0"
            [hardware.gpio.motor_enable]
            offset = 23
            [hardware.i2c]
            address = 0x40
            [hardware.calibration]
            zero_counts = 600
            mm_per_count = 0.002
            """)
        #expect(config.daemon.socket == "/tmp/n.sock")
        #expect(config.daemon.socketGroup == "needle")
        #expect(config.daemon.rateHz == 2000)
        #expect(config.daemon.logLevel == "debug")
        #expect(config.access.operatorUsers == ["alice", "1001"])
        #expect(config.access.clinicianGroups == ["2000"])
        #expect(config.safety.toleranceMM == 0.02)
        #expect(config.hardware.backend == .linux)
        #expect(config.hardware.gpio.chip == "gpiochip0")
        #expect(config.hardware.gpio.lines[.motorEnable] == LineSpec(offset: 23, activeLow: false, bias: .pullDown))
        #expect(config.hardware.gpio.lines[.brake] == LineRole.defaultSpecs[.brake])
        #expect(config.hardware.i2c.address == 0x40)
        #expect(config.hardware.calibration?.zeroCounts == 600)
        #expect(config.hardware.calibration?.mmPerCount == 0.002)
    }
}
