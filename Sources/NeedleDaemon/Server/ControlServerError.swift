/// Why the control server could not start.
public enum ControlServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another process accepts connections on the socket (a second daemon?); it was left alone.
    case alreadyListening(path: String)
    /// Something other than a socket is at the path; it was left alone.
    case notASocket(path: String)
    /// The path does not fit in `sockaddr_un.sun_path`.
    case pathTooLong(path: String, limit: Int)
    /// A system call on the socket path failed (`operation` names it, `errno` its error).
    case system(operation: String, path: String, errno: Int32)
    /// Binding the listening socket failed.
    case bindFailed(path: String, reason: String)
    /// `start()` was called on a server that is running or was stopped.
    case invalidState(String)

    public var description: String {
        switch self {
        case .alreadyListening(let path):
            "another process is already listening on \(path)"
        case .notASocket(let path):
            "\(path) exists and is not a socket; refusing to remove it"
        case .pathTooLong(let path, let limit):
            "socket path \(path) is longer than \(limit) bytes"
        case .system(let operation, let path, let errno):
            "\(operation) \(path): \(SocketPath.errorString(errno)) (errno \(errno))"
        case .bindFailed(let path, let reason):
            "cannot listen on \(path): \(reason)"
        case .invalidState(let reason):
            reason
        }
    }
}
