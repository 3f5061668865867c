/// A digital output line (motor enable, brake, heartbeat, LEDs).
///
/// `active` is the logical level: the backend maps it to the physical level (active-low
/// lines are configured there, not here). A new output must start inactive — the safe value
/// of every line on the pen.
public protocol DigitalOutput: AnyObject, Sendable {
    func set(active: Bool) throws(HALError)
}
