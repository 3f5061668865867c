#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NeedleProtocol

/// A blocking client of needled's control socket, for fast polling of `status` and
/// `sim lines` (a needlectl process per poll would be too slow for millisecond bounds).
final class ControlClient {
    let path: String
    private var fd: Int32 = -1
    private var pending: [UInt8] = []
    private var nextID: Int64 = 1

    init(path: String) { self.path = path }
    deinit { disconnect() }

    func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
        pending = []
    }

    private func connectIfNeeded() throws(HILError) {
        guard fd < 0 else { return }
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw .socket("socket(): \(Posix.errnoText())") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(s)
            throw .socket("path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let e = errno
            close(s)
            throw .socket("connect \(path): \(Posix.errnoText(e))")
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        fd = s
    }

    /// Whether the daemon accepts connections.
    func reachable() -> Bool {
        do { try connectIfNeeded(); return true } catch { return false }
    }

    /// The daemon answers a client's requests beyond 50 per second with `rate_limited` and
    /// drops one that keeps flooding (hostile-input rule); the runner stays a polite 40/s.
    static let minRequestIntervalNs: UInt64 = 25_000_000
    private var lastRequestNs: UInt64 = 0

    /// Sends `cmd` with `argsJSON` and returns the reply's `result` (throws on ok:false).
    func request(_ cmd: String, argsJSON: String = "{}") throws(HILError) -> JSONValue {
        let sinceLast = Posix.nowNs() &- lastRequestNs
        if lastRequestNs != 0, sinceLast < Self.minRequestIntervalNs {
            Posix.sleep(ns: Self.minRequestIntervalNs - sinceLast)
        }
        lastRequestNs = Posix.nowNs()
        try connectIfNeeded()
        let id = nextID
        nextID += 1
        let line = Array("{\"id\":\(id),\"cmd\":\"\(cmd)\",\"args\":\(argsJSON)}\n".utf8)
        let sent = line.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == line.count else {
            disconnect()
            throw .socket("send: \(Posix.errnoText())")
        }
        while true {
            let reply = try readLine()
            guard case .object(let object) = reply else { continue }
            // Skip telemetry events and other requests' replies.
            guard case .integer(let got)? = object["id"], got == id else { continue }
            if case .bool(true)? = object["ok"] { return object["result"] ?? .object([:]) }
            var code = "error"
            if case .object(let error)? = object["error"], case .string(let c)? = error["code"] { code = c }
            throw .socket("\(cmd) refused: \(code)")
        }
    }

    private func readLine() throws(HILError) -> JSONValue {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                do { return try WireCoding.decode(JSONValue.self, from: line) } catch {
                    throw .socket("bad reply line: \(String(decoding: line, as: UTF8.self))")
                }
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let text = n == 0 ? "closed by the daemon" : Posix.errnoText()
                disconnect()
                throw .socket("recv: \(text)")
            }
            pending.append(contentsOf: buffer[0..<n])
        }
    }
}

extension JSONValue {
    /// The value as the scenario files write it: numbers plainly, bools as true/false,
    /// arrays as comma-joined lists, null as "null".
    var scenarioText: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .integer(let i): String(i)
        case .number(let d): String(d)
        case .string(let s): s
        case .array(let items): items.map(\.scenarioText).joined(separator: ",")
        case .object: "{…}"
        }
    }

    var number: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }
}
