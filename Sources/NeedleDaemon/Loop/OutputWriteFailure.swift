import NeedleHAL

/// An output line that could not be driven to its safe level, named as the configuration
/// names it (`[hardware.gpio]` keys, `[hardware.pwm]`), so a journal line says which wire
/// to look at.
public struct OutputWriteFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Line: String, Sendable, Equatable {
        case motorEnable = "motor_enable"
        case motorPWM = "pwm"
        case brake
        case statusLED = "status_led"
        case faultLED = "fault_led"
    }

    public var line: Line
    public var error: HALError

    public init(line: Line, error: HALError) {
        self.line = line
        self.error = error
    }

    public var description: String { "\(line.rawValue): \(error)" }
}
