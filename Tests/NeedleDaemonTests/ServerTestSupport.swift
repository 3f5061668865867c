import NeedleDaemon
import NeedleProtocol
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A RequestHandler that records every call and answers from a settable status.
final class FakeRequestHandler: RequestHandler {
    private struct State {
        var calls: [(Command, PeerCredentials)] = []
        var status = FakeRequestHandler.initialStatus
    }
    private let state = Mutex(State())

    static let initialStatus = StatusResult(
        state: .idle, mode: .home, depthMM: 0.4, targetDepthMM: nil, window: .init(min: 0.05, max: 0.95),
        motorOn: false, strokeRateHz: 0, targetStrokeRateHz: nil, speed: nil, area: nil, durationS: nil, override: nil,
        faults: [], hardware: .simulated, remainingS: nil, strokes: 0, uptimeS: 1, lastStopReason: nil,
        calibrated: true, selfTest: .notRun, cartridge: .unknown)

    var calls: [(Command, PeerCredentials)] { state.withLock { $0.calls } }

    func setStatus(_ change: (inout StatusResult) -> Void) {
        state.withLock { change(&$0.status) }
    }

    func handle(_ command: Command, from peer: PeerCredentials) -> Result<ResultPayload, ProtocolError> {
        state.withLock { $0.calls.append((command, peer)) }
        switch command {
        case .status: return .success(.status(status()))
        case .start: return .failure(ProtocolError(.notArmed, "arm first"))
        default: return .success(.empty)
        }
    }

    func status() -> StatusResult { state.withLock { $0.status } }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory under /tmp; `remove()` deletes what the tests put there.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/needled-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let made else { throw TestFailure("mkdtemp failed: errno \(errno)") }
        path = made
    }

    /// A socket path inside a not-yet-existing subdirectory, so the server must create it.
    var socketPath: String { path + "/run/control.sock" }

    /// A state directory that does not exist yet: the daemon creates it.
    var statePath: String { path + "/state" }

    func remove() {
        unlink(socketPath)
        rmdir(path + "/run")
        for directory in [path, statePath] {
            unlink(directory + "/calibration")
            unlink(directory + "/calibration.tmp")
            unlink(directory + "/needled.lock")
        }
        rmdir(statePath)
        rmdir(path)
    }
}

func unixAddress(_ path: String) -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes.prefix(raw.count - 1))
        raw[min(bytes.count, raw.count - 1)] = 0
    }
    return address
}

func unixStreamSocket() -> Int32 {
    #if canImport(Glibc)
    socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    #else
    socket(AF_UNIX, SOCK_STREAM, 0)
    #endif
}

/// Leaves a socket file nobody listens on, as a crashed daemon would.
func makeStaleSocket(at path: String) throws {
    mkdir(String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]), 0o755)
    let descriptor = unixStreamSocket()
    defer { close(descriptor) }
    var address = unixAddress(path)
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    guard result == 0 else { throw TestFailure("bind \(path): errno \(errno)") }
}

/// Starts a server on a temporary path with a fake handler, runs `body`, and always stops it.
func withServer(_ body: (ControlServer, FakeRequestHandler, String) async throws -> Void) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let handler = FakeRequestHandler()
    let server = ControlServer(configuration: .init(socketPath: directory.socketPath), handler: handler)
    try await server.start()
    do {
        try await body(server, handler, directory.socketPath)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// A blocking test client with a receive timeout, so a missing reply fails instead of hanging.
final class TestClient {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(path: String, timeoutSeconds: Int = 30) throws {
        descriptor = unixStreamSocket()
        guard descriptor >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = unixAddress(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw TestFailure("connect \(path): errno \(errno)")
        }
    }

    deinit { close(descriptor) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw TestFailure("write: errno \(errno)") }
            offset += written
        }
    }

    /// The next line, or nil at end of stream. Throws on timeout.
    func readLine() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return nil }
            guard count > 0 else { throw TestFailure("read: errno \(errno) (timeout?)") }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    func readMessage() throws -> ServerMessage {
        guard let line = try readLine() else { throw TestFailure("connection closed") }
        return try WireCoding.decode(ServerMessage.self, from: Array(line.utf8))
    }

    func readReply() throws -> Reply {
        guard case .reply(let reply) = try readMessage() else { throw TestFailure("expected a reply, got an event") }
        return reply
    }
}

/// Device and inode of a path, to tell one socket file from its replacement.
struct FileSnapshot: Equatable {
    var device: UInt64
    var inode: UInt64
    init(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw TestFailure("lstat \(path): errno \(errno)") }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
