/// Machine-readable reason a request was refused; the `code` of an error reply.
///
/// Raw values are the snake_case strings on the wire. Clients must treat codes they do not know
/// as a refusal (decoding an unknown code fails loudly rather than being guessed at).
public enum ErrorCode: String, Codable, Sendable, CaseIterable, Hashable {
    // Plan and mode checks (NeedleCore).
    case depthOutOfRange = "depth_out_of_range"
    case notArmed = "not_armed"
    case depthMismatch = "depth_mismatch"
    case faultLatched = "fault_latched"
    case sensorInvalid = "sensor_invalid"
    case causePresent = "cause_present"
    case notIdle = "not_idle"
    case notRunning = "not_running"
    case interlock
    // Treatment workflow (areas, cartridges, calibration, intervals).
    case depthOutOfRangeForArea = "depth_out_of_range_for_area"
    case unknownArea = "unknown_area"
    case areaUnavailable = "area_unavailable"
    case notCalibrated = "not_calibrated"
    case cartridgeUsed = "cartridge_used"
    case cartridgeUnreadable = "cartridge_unreadable"
    case tooSoon = "too_soon"
    case spanTooSmall = "span_too_small"
    /// Arming needs a passed self-test (the last one failed, was stopped, or never ran).
    case selftestRequired = "selftest_required"
    /// A calibration that would not read the collar's whole travel right (DESIGN §3 rule 10).
    case calibrationInvalid = "calibration_invalid"
    /// The state directory (calibration, treatment records) could not be read or written.
    case storageFailed = "storage_failed"
    // Access and availability.
    case unauthorized
    case busy
    case notSimulated = "not_simulated"
    case shuttingDown = "shutting_down"
    // Input that never reached the core.
    case invalidRequest = "invalid_request"
    case unknownCommand = "unknown_command"
    case requestTooLarge = "request_too_large"
    /// More requests per second than one connection may send; flooding on drops it.
    case rateLimited = "rate_limited"
    // A bug or an environment failure inside the daemon.
    case `internal`
    /// The calendar clock reads earlier than the newest treatment record (a board without an
    /// RTC that booted before its clock was set): nothing is armed until the clock is set.
    case clockNotSet = "clock_not_set"
    /// Clinical mode treats many people with one pen: an `arm` there must name its client.
    case clientRequired = "client_required"
    /// A client reference that is not 1–32 letters, digits, `-` or `_` (it is pseudonymous:
    /// the pen refuses anything that could be a name with spaces or punctuation).
    case invalidClient = "invalid_client"
    /// `session`: no treatment record has that id.
    case unknownSession = "unknown_session"
}
