import Glibc

/// Why talking to the service manager (notify socket, journal socket, inherited sockets)
/// failed. None of these is fatal to the pen: the caller logs it and carries on.
public enum SystemdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `$NOTIFY_SOCKET` (or the journal socket path) is not a usable AF_UNIX address.
    case invalidAddress(String)
    /// A system call failed; `operation` names it.
    case system(operation: String, errno: Int32)
    /// The datagram was sent only in part (the service manager would drop it).
    case shortWrite(sent: Int, expected: Int)
    /// `$LISTEN_FDS`/`$LISTEN_PID` or `$WATCHDOG_USEC` are present but malformed.
    case invalidEnvironment(name: String, value: String)
    /// An inherited descriptor is not a listening AF_UNIX stream socket.
    case notAListeningSocket(fd: Int32, reason: String)

    public var description: String {
        switch self {
        case .invalidAddress(let address):
            "not a usable AF_UNIX socket address: \"\(address)\""
        case .system(let operation, let errno):
            "\(operation): \(SystemdError.errorString(errno)) (errno \(errno))"
        case .shortWrite(let sent, let expected):
            "datagram truncated: sent \(sent) of \(expected) bytes"
        case .invalidEnvironment(let name, let value):
            "$\(name)=\"\(value)\" is malformed"
        case .notAListeningSocket(let fd, let reason):
            "inherited fd \(fd) is not a listening Unix stream socket: \(reason)"
        }
    }

    static func errorString(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "unknown error" }
        return String(cString: text)
    }
}

/// A process environment to read from; tests inject their own.
public struct ServiceEnvironment: Sendable {
    public var variables: [String: String]

    public init(_ variables: [String: String]) { self.variables = variables }

    /// The environment of this process.
    public static var process: ServiceEnvironment {
        var variables: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return ServiceEnvironment(variables)
    }

    public subscript(name: String) -> String? { variables[name] }
}

/// AF_UNIX datagram plumbing shared by the notify and journal clients.
enum UnixDatagram {
    /// Builds a `sockaddr_un` for a path, or for an abstract name when it starts with `@`
    /// (the leading `@` becomes a NUL byte; the length then counts exactly the name's bytes).
    static func address(_ text: String) throws(SystemdError) -> (sockaddr_un, socklen_t) {
        var bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@") else {
            throw .invalidAddress(text)
        }
        let abstract = first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        // A path needs room for its terminating NUL; an abstract name does not have one.
        guard bytes.count < capacity || (abstract && bytes.count <= capacity), bytes.count > 1 else {
            throw .invalidAddress(text)
        }
        guard abstract || !bytes.contains(0) else { throw .invalidAddress(text) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            if bytes.count < raw.count { raw[bytes.count] = 0 }
        }
        let base = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        let length = abstract ? base + bytes.count : base + bytes.count + 1
        return (address, socklen_t(length))
    }

    /// A new close-on-exec AF_UNIX datagram socket.
    static func socket() throws(SystemdError) -> Int32 {
        let descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .system(operation: "socket(AF_UNIX, SOCK_DGRAM)", errno: errno) }
        return descriptor
    }

    /// Sends one datagram, never raising SIGPIPE.
    static func send(_ bytes: [UInt8], on descriptor: Int32, to address: sockaddr_un, length: socklen_t) throws(SystemdError) {
        var address = address
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        guard sent >= 0 else { throw .system(operation: "sendto", errno: errno) }
        guard sent == bytes.count else { throw .shortWrite(sent: sent, expected: bytes.count) }
    }
}
