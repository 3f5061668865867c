import NeedleProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why talking to the daemon failed (as opposed to the daemon refusing a command).
enum ConnectionError: Error, CustomStringConvertible {
    /// No daemon at the path: socket missing, refused, or not permitted.
    case unreachable(path: String, reason: String)
    /// The connection broke or the daemon sent something that is not protocol.
    case broken(path: String, reason: String)

    var description: String {
        switch self {
        case .unreachable(let path, let reason): "cannot reach needled at \(path): \(reason)"
        case .broken(let path, let reason): "connection to needled at \(path) failed: \(reason)"
        }
    }
}

/// A blocking connection to the control socket: one request line out, lines back.
final class DaemonConnection {
    /// Longest reply line accepted (status lines are ~500 bytes).
    static let maxLineLength = 1 << 20

    let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws(ConnectionError) {
        self.path = path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw .unreachable(path: path, reason: "path longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        #if canImport(Glibc)
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw .unreachable(path: path, reason: Self.errorText(errno)) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            let reason: String =
                switch code {
                case ENOENT: "no socket there (is needled running?)"
                case ECONNREFUSED: "connection refused (stale socket; is needled running?)"
                case EACCES: "permission denied (are you in the needle group?)"
                default: Self.errorText(code)
                }
            throw .unreachable(path: path, reason: reason)
        }
    }

    deinit { close(descriptor) }

    func sendRequest(_ request: Request) throws(ConnectionError) {
        let line: [UInt8]
        do {
            line = try WireCoding.encodeLine(request)
        } catch {
            throw .broken(path: path, reason: "cannot encode request: \(error)")
        }
        var offset = 0
        while offset < line.count {
            let written = line[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw .broken(path: path, reason: Self.errorText(errno)) }
            offset += written
        }
    }

    /// The next line from the daemon, decoded.
    func receive() throws(ConnectionError) -> ServerMessage {
        let line = try readLine()
        do {
            return try WireCoding.decode(ServerMessage.self, from: line)
        } catch {
            throw .broken(path: path, reason: "unreadable reply: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
    }

    private func readLine() throws(ConnectionError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            guard buffer.count <= Self.maxLineLength else {
                throw .broken(path: path, reason: "reply line longer than \(Self.maxLineLength) bytes")
            }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .broken(path: path, reason: Self.errorText(errno)) }
            guard count > 0 else { throw .broken(path: path, reason: "needled closed the connection") }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    private static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
