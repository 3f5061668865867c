import NeedleConfig
import Testing

/// Issue 9 item 12: the lowest control rate, derived from the sensor timeout and the
/// heartbeat monostable's pulse; item 5: the trigger's kernel debounce key.
@Suite("Config: control-rate floor and trigger debounce")
struct RateAndDebounceTests {
    @Test("the floor is derived from both times with a margin of 2: 400 Hz (sensor), 200 Hz (heartbeat)")
    func derivedFloor() {
        #expect(ControlRate.sensorTimeoutNs == 5_000_000)
        #expect(ControlRate.heartbeatPulseNs == 20_000_000)
        #expect(ControlRate.margin == 2)
        #expect(ControlRate.sensorBoundHz == 400)
        #expect(ControlRate.heartbeatBoundHz == 200)
        #expect(ControlRate.lowestHz == 400)
        #expect(ConfigRules.rateHz == 400...8000)
    }

    @Test("rate_hz below the floor is refused naming both reasons", arguments: [100, 399])
    func belowFloorRefused(rate: Int) {
        do {
            _ = try NeedledConfig.parse(toml: "[daemon]\nrate_hz = \(rate)\n")
            Issue.record("rate_hz = \(rate) accepted")
        } catch {
            #expect(error.kind == .outOfRange)
            #expect(error.field == "daemon.rate_hz")
            let text = error.description
            #expect(text.contains("400...8000"), "\(text)")
            #expect(text.contains("5 ms sensor timeout"), "\(text)")
            #expect(text.contains("20 ms monostable pulse"), "\(text)")
        }
    }

    @Test("rate_hz at the floor and at the ceiling is accepted", arguments: [400, 8000])
    func boundAccepted(rate: Int) throws {
        #expect(try NeedledConfig.parse(toml: "[daemon]\nrate_hz = \(rate)\n").daemon.rateHz == rate)
    }

    @Test("trigger debounce_ms: 10 by default, 0...20 accepted, outside refused")
    func triggerDebounce() throws {
        #expect(NeedledConfig().hardware.gpio.lines[.trigger]?.debounceMs == 10)
        for ms in [0, 1, 20] {
            let config = try NeedledConfig.parse(toml: "[hardware.gpio.trigger]\nline = \"TRIGGER\"\ndebounce_ms = \(ms)\n")
            #expect(config.hardware.gpio.lines[.trigger]?.debounceMs == ms)
        }
        for ms in [-1, 21] {
            #expect(throws: ConfigError.self) {
                _ = try NeedledConfig.parse(toml: "[hardware.gpio.trigger]\nline = \"TRIGGER\"\ndebounce_ms = \(ms)\n")
            }
        }
        // The key keeps the trigger's default when a table leaves it out.
        let kept = try NeedledConfig.parse(toml: "[hardware.gpio.trigger]\nline = \"TRIG\"\n")
        #expect(kept.hardware.gpio.lines[.trigger]?.debounceMs == 10)
    }

    @Test("debounce_ms on a line other than the trigger is an unknown key (a debounced e-stop or tach is refused)",
          arguments: ["estop", "tach", "driver_fault"])
    func debounceOnlyOnTrigger(table: String) {
        do {
            _ = try NeedledConfig.parse(toml: "[hardware.gpio.\(table)]\nline = \"X\"\ndebounce_ms = 5\n")
            Issue.record("debounce_ms accepted on \(table)")
        } catch {
            #expect(error.kind == .unknownKey)
            #expect(error.field == "hardware.gpio.\(table).debounce_ms")
        }
    }
}
