import NeedleHAL

/// Why the daemon could not start or keep running, in words an engineer can act on.
public enum DaemonError: Error, Sendable, CustomStringConvertible {
    case loopThread(errno: Int32)
    case outputsNotSafe(HALError)
    case invalidArgument(String)
    case socket(String)
    /// A device or line of `[hardware]` is missing or refused: `device` names it and the
    /// config key that points at it.
    case hardware(device: String, reason: String)
    /// The state directory, or a file in it, cannot be used: `path` names it.
    case state(path: String, reason: String)

    public var description: String {
        switch self {
        case .loopThread(let e): "could not start the control-loop thread (error \(e))"
        case .outputsNotSafe(let e): "could not drive the outputs to their safe state: \(e)"
        case .invalidArgument(let m): m
        case .socket(let m): m
        case .hardware(let device, let reason): "hardware: \(device): \(reason)"
        case .state(let path, let reason): "state: \(path): \(reason)"
        }
    }
}
