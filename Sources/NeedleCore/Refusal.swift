/// Why the supervisor refused a command. The command changed nothing.
public struct Refusal: Error, Sendable, Equatable {
    public enum Code: String, Sendable, CaseIterable {
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
        /// The plan's depth lies outside its area's range (a clinician may override).
        case depthOutOfRangeForArea = "depth_out_of_range_for_area"
        /// The plan names an area the table does not know.
        case unknownArea = "unknown_area"
        /// None of the area's depth range lies inside the current mode's window.
        case areaUnavailable = "area_unavailable"
        /// No depth calibration: the pen cannot know its depth, so it cannot arm.
        case notCalibrated = "not_calibrated"
        /// The seated cartridge was used in an earlier session.
        case cartridgeUsed = "cartridge_used"
        /// The seated cartridge's ID EEPROM is not (yet) read, blank or corrupt.
        case cartridgeUnreadable = "cartridge_unreadable"
        /// The area was treated within the minimum interval.
        case tooSoon = "too_soon"
        /// The calibration's two points are too close together to give a usable scale.
        case spanTooSmall = "span_too_small"
        /// Arming needs a passed self-test: the last one failed, was stopped, or never ran.
        case selftestRequired = "selftest_required"
        /// The calibration does not map the collar's whole travel upwards, inside one stretch
        /// of the sensor's circle free of the wrap and the glitch values, with a bounded scale.
        case calibrationInvalid = "calibration_invalid"
        /// The calendar clock reads earlier than the newest treatment record: intervals
        /// cannot be judged until it is set.
        case clockNotSet = "clock_not_set"
        /// Clinical mode arms no plan without the client's reference.
        case clientRequired = "client_required"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
