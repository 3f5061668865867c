import NIOCore
import NeedleDaemon
import NeedleProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A client that writes without SIGPIPE (the server may drop it mid-write) and can decline
/// to read its replies.
final class RawClient {
    let descriptor: Int32
    private var buffer: [UInt8] = []

    /// - Parameter bindPath: binds the client's end first, so a test server can tell this
    ///   client by its path (and play it as another user).
    init(path: String, timeoutSeconds: Int = 5, bindPath: String? = nil) throws {
        descriptor = unixStreamSocket()
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let bindPath {
            var own = unixAddress(bindPath)
            let bound = withUnsafePointer(to: &own) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard bound == 0 else { close(descriptor); throw TestFailure("bind \(bindPath): errno \(errno)") }
        }
        var address = unixAddress(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { close(descriptor); throw TestFailure("connect: errno \(errno)") }
    }

    deinit { close(descriptor) }

    /// Sends everything it can; false once the server has gone.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Every line until the server closes (nil if it does not within the timeout).
    func readUntilClosed() -> [String]? {
        var lines: [String] = []
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: buffer[..<newline], as: UTF8.self))
                buffer.removeSubrange(...newline)
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 || (count < 0 && errno == ECONNRESET) { return lines }
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// The next line (event or reply), or nil at end of stream. Throws on timeout.
    func readLine() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 || (count < 0 && errno == ECONNRESET) { return nil }
            guard count > 0 else { throw TestFailure("read: errno \(errno) (timeout?)") }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    func readReply() throws -> Reply {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                guard case .reply(let reply) = try WireCoding.decode(ServerMessage.self, from: line) else { continue }
                return reply
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw TestFailure("read: \(count == 0 ? "closed" : "errno \(errno)")") }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}

func withLimitedServer(
    _ limits: ClientLimits, maxConnections: Int = 32,
    _ body: (ControlServer, String) async throws -> Void
) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let server = ControlServer(
        configuration: .init(socketPath: directory.socketPath, maxConnections: maxConnections, limits: limits),
        handler: FakeRequestHandler())
    try await server.start()
    do {
        try await body(server, directory.socketPath)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

func eventually(within seconds: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

private func statusLines(_ ids: ClosedRange<Int>) -> String {
    ids.map { #"{"id":\#($0),"cmd":"status"}"# + "\n" }.joined()
}

@Suite("Control server limits against hostile clients", .timeLimit(.minutes(1)))
struct ServerLimitsTests {
    @Test("requests beyond the per-client rate are answered rate_limited, then allowed again")
    func rateLimit() async throws {
        try await withLimitedServer(ClientLimits(requestsPerSecond: 5, burst: 5, floodLimit: 1000)) { _, path in
            let client = try RawClient(path: path)
            client.send(statusLines(1...10))
            var served: [Int64?] = []
            var limited = 0
            for _ in 0..<10 {
                let reply = try client.readReply()
                switch reply.outcome {
                case .success: served.append(reply.id)
                case .failure(let error):
                    #expect(error.code == .rateLimited)
                    #expect(reply.id == nil)
                    limited += 1
                }
            }
            #expect(served == [1, 2, 3, 4, 5])
            #expect(limited == 5)
            try await Task.sleep(for: .milliseconds(450))  // refills 2 tokens at 5/s
            client.send(statusLines(11...11))
            #expect(try client.readReply().id == 11)
        }
    }

    @Test("a client that keeps flooding is dropped; others are served meanwhile")
    func floodingClientIsDropped() async throws {
        try await withLimitedServer(ClientLimits(requestsPerSecond: 5, burst: 5, floodLimit: 10)) { server, path in
            let calm = try RawClient(path: path)
            let flooder = try RawClient(path: path)
            flooder.send(statusLines(1...200))
            let lines = try #require(flooder.readUntilClosed(), "the flooder must be disconnected")
            #expect(lines.count == 5 + 10 + 1)
            #expect(lines.last?.contains("rate_limited") == true)
            #expect(lines.last?.contains("disconnecting") == true)
            calm.send(statusLines(1...1))
            #expect(try calm.readReply().id == 1)
            #expect(await eventually(within: 30) { server.connectionCount == 1 })
        }
    }

    @Test("a silent client is dropped after the idle timeout; a watcher and a chatty client are not")
    func idleTimeout() async throws {
        // 100 ms between the chatty client's requests against a 2 s timeout. The pause is a
        // thread sleep, not Task.sleep: with the whole suite running, the cooperative pool
        // (one thread per core) is held by tests doing blocking I/O, and a task's wake-up
        // was seen to come over a second late, idling the chatty client for real.
        try await withLimitedServer(ClientLimits(idleTimeout: .seconds(2))) { server, path in
            let silent = try RawClient(path: path)
            let watcher = try RawClient(path: path)
            let chatty = try RawClient(path: path)
            watcher.send(#"{"id":1,"cmd":"watch","args":{"interval_ms":100}}"# + "\n")
            for id in 1...28 {
                chatty.send(statusLines(id...id))
                _ = try chatty.readReply()
                usleep(100_000)
            }
            // 2.8 s in: the silent one is gone (EOF), the other two are served.
            #expect(silent.readUntilClosed() != nil)
            // The client can see EOF a moment before the server has forgotten the connection.
            #expect(await eventually(within: 30) { server.connectionCount == 2 })
            chatty.send(statusLines(99...99))
            #expect(try chatty.readReply().id == 99)
            #expect(watcher.send(#"{"id":2,"cmd":"status"}"# + "\n"))
        }
    }

    @Test("a client that does not read its replies is dropped and never stalls the others")
    func slowClientIsDropped() async throws {
        let limits = ClientLimits(requestsPerSecond: 1_000_000, burst: 1_000_000, maxPendingWriteBytes: 4096)
        try await withLimitedServer(limits) { server, path in
            let fast = try RawClient(path: path)
            let slow = try RawClient(path: path)
            // ~2 MB of replies: far beyond the kernel's socket buffer plus 4 KiB.
            for chunk in 0..<40 {
                guard slow.send(statusLines((chunk * 100 + 1)...(chunk * 100 + 100))) else { break }
                fast.send(statusLines((chunk + 1)...(chunk + 1)))
                #expect(try fast.readReply().id == Int64(chunk + 1))
            }
            #expect(await eventually(within: 5) { server.connectionCount == 1 }, "the slow client must be dropped")
            fast.send(statusLines(500...500))
            #expect(try fast.readReply().id == 500)
        }
    }

    @Test("the connection cap is enforced and a closed connection frees its slot")
    func connectionCapFreesSlots() async throws {
        try await withLimitedServer(ClientLimits(), maxConnections: 2) { server, path in
            var first: RawClient? = try RawClient(path: path)
            let second = try RawClient(path: path)
            first?.send(statusLines(1...1))
            _ = try first?.readReply()
            second.send(statusLines(1...1))
            _ = try second.readReply()
            let third = try RawClient(path: path)
            let refused = try #require(third.readUntilClosed())
            #expect(refused.count == 1 && refused[0].contains("\"busy\""))
            first = nil
            #expect(await eventually(within: 30) { server.connectionCount == 1 })
            let fourth = try RawClient(path: path)
            fourth.send(statusLines(4...4))
            #expect(try fourth.readReply().id == 4)
        }
    }
}
