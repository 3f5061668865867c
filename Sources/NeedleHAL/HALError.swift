/// An error from a hardware device, with a kind a caller can act on.
///
/// Errors carry no heap-allocated payload (no `String`): the control loop throws and
/// catches them on its hot path, where an allocation is not allowed. Every throwing HAL
/// method uses typed throws (`throws(HALError)`) so that no existential box is allocated.
public struct HALError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The bus reported an error (arbitration lost, garbage, protocol error).
        case bus
        /// The addressed device did not acknowledge.
        case noAcknowledge
        /// The device did not answer in time.
        case timeout
        /// The device, line or file does not exist or cannot be opened.
        case unavailable
        /// The caller passed a value the device cannot take.
        case invalidArgument
        /// Any other failure; `errno` says more.
        case other
    }

    public var kind: Kind
    /// The errno behind the error, or 0 when there was none (simulated devices).
    public var errno: Int32
    /// Which device failed, for messages (a static string: no allocation).
    public var device: StaticString

    public init(_ kind: Kind, device: StaticString = "device", errno: Int32 = 0) {
        self.kind = kind
        self.device = device
        self.errno = errno
    }

    public static func == (lhs: HALError, rhs: HALError) -> Bool {
        lhs.kind == rhs.kind && lhs.errno == rhs.errno
            && lhs.device.description == rhs.device.description
    }

    public var description: String {
        errno == 0 ? "\(device): \(kind.rawValue)" : "\(device): \(kind.rawValue) (errno \(errno))"
    }
}
