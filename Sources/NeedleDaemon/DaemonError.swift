import NeedleHAL

/// Why the daemon could not start or keep running, in words an engineer can act on.
public enum DaemonError: Error, Sendable, CustomStringConvertible {
    case loopThread(errno: Int32)
    /// Lines that could not be driven to their safe level, each named (`motor_enable`, `pwm`…).
    case outputsNotSafe([OutputWriteFailure])
    /// Another needled holds the single-instance lock of this state directory: `lockFile`
    /// names it, `holder` is the pid written in it (nil when unknown).
    case alreadyRunning(lockFile: String, holder: Int32?)
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
        case .outputsNotSafe(let failures):
            "could not drive the outputs to their safe state: "
                + failures.map(\.description).joined(separator: "; ")
        case .alreadyRunning(let lockFile, let holder):
            "another needled is running on this pen's state (\(holder.map { "pid \($0)" } ?? "pid unknown") holds the lock "
                + "\(lockFile)): one daemon per pen and state directory; stop it first (this one changed no output "
                + "beyond driving it safe, and no state)"
        case .invalidArgument(let m): m
        case .socket(let m): m
        case .hardware(let device, let reason): "hardware: \(device): \(reason)"
        case .state(let path, let reason): "state: \(path): \(reason)"
        }
    }
}
