import Glibc

/// Socket activation (sd_listen_fds, spoken directly): when `$LISTEN_PID` is this process
/// and `$LISTEN_FDS` ≥ 1, systemd has passed listening sockets as fds 3, 4, … The control
/// server then serves the first one instead of binding its own, and leaves the path alone
/// on stop (systemd made it and owns it).
public enum SocketActivation {
    /// `SD_LISTEN_FDS_START`.
    public static let firstDescriptor: Int32 = 3

    /// The inherited listening descriptors, or `[]` when not socket-activated (no or
    /// another process's `LISTEN_PID`, `LISTEN_FDS` unset or 0). Each returned descriptor is
    /// checked to be a listening AF_UNIX stream socket and marked close-on-exec.
    /// - Parameter firstDescriptor: where the descriptors start (3 under systemd; tests move it).
    public static func inheritedListeners(
        environment: ServiceEnvironment = .process, pid: Int32 = getpid(),
        firstDescriptor: Int32 = SocketActivation.firstDescriptor
    ) throws(SystemdError) -> [Int32] {
        guard let pidText = environment["LISTEN_PID"], !pidText.isEmpty else { return [] }
        guard let listenPID = Int32(pidText), listenPID > 0 else {
            throw .invalidEnvironment(name: "LISTEN_PID", value: pidText)
        }
        guard listenPID == pid else { return [] }
        let countText = environment["LISTEN_FDS"] ?? ""
        guard let count = Int32(countText), count >= 0, count <= 64 else {
            throw .invalidEnvironment(name: "LISTEN_FDS", value: countText)
        }
        var descriptors: [Int32] = []
        for descriptor in firstDescriptor..<(firstDescriptor + count) {
            try checkListeningUnixStream(descriptor)
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
            descriptors.append(descriptor)
        }
        return descriptors
    }

    /// Drops the variables so that a child process does not think the sockets are its own.
    public static func unsetEnvironment() {
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
    }

    static func checkListeningUnixStream(_ descriptor: Int32) throws(SystemdError) {
        func option(_ name: Int32) throws(SystemdError) -> Int32 {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, SOL_SOCKET, name, &value, &length) == 0 else {
                let code = errno
                throw .notAListeningSocket(
                    fd: descriptor, reason: code == ENOTSOCK ? "not a socket" : "getsockopt: \(SystemdError.errorString(code))")
            }
            return value
        }
        guard try option(SO_DOMAIN) == AF_UNIX else { throw .notAListeningSocket(fd: descriptor, reason: "not AF_UNIX") }
        guard try option(SO_TYPE) == Int32(SOCK_STREAM.rawValue) else {
            throw .notAListeningSocket(fd: descriptor, reason: "not SOCK_STREAM")
        }
        guard try option(SO_ACCEPTCONN) != 0 else { throw .notAListeningSocket(fd: descriptor, reason: "not listening") }
    }
}
