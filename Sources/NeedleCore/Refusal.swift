/// Why the supervisor refused a command. The command changed nothing.
public struct Refusal: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        case depthOutOfRange = "depth_out_of_range"
        case notArmed = "not_armed"
        case depthMismatch = "depth_mismatch"
        case faultLatched = "fault_latched"
        case unauthorized
        case busy
        case invalidRequest = "invalid_request"
        case sensorInvalid = "sensor_invalid"
        case causePresent = "cause_present"
        case interlock
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
