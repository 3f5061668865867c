import NeedleDaemon
import NeedleProtocol
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Control socket server", .timeLimit(.minutes(1)))
struct ServerTests {
    @Test func requestReplyRoundTrip() async throws {
        try await withServer { _, handler, path in
            let client = try TestClient(path: path)
            try client.send(#"{"id":41,"cmd":"status","args":{}}"# + "\n")
            #expect(try client.readReply() == Reply(id: 41, result: .status(FakeRequestHandler.initialStatus)))
            try client.send(#"{"id":42,"cmd":"start"}"# + "\n")
            #expect(try client.readReply() == Reply(id: 42, failure: ProtocolError(.notArmed, "arm first")))
            #expect(handler.calls.map(\.0) == [.status, .start])
        }
    }

    @Test func oversizedLineIsRefusedAndConnectionSurvives() async throws {
        try await withServer { _, handler, path in
            let client = try TestClient(path: path)
            var huge = Array(#"{"id":1,"cmd":"status","args":{"pad":""#.utf8)
            huge += [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
            huge += Array("\"}}\n".utf8)
            try client.send(huge)
            let refused = try client.readReply()
            #expect(refused.id == nil)
            guard case .failure(let error) = refused.outcome else {
                Issue.record("expected an error, got \(refused)")
                return
            }
            #expect(error.code == .requestTooLarge)
            try client.send(#"{"id":2,"cmd":"status"}"# + "\n")
            #expect(try client.readReply().id == 2)
            #expect(handler.calls.count == 1)
        }
    }

    @Test func badInputIsAnsweredAndNeverReachesTheHandler() async throws {
        try await withServer { _, handler, path in
            let client = try TestClient(path: path)
            let cases: [(String, Int64?, ErrorCode)] = [
                ("{not json", nil, .invalidRequest),
                (#"{"id":5,"cmd":"teleport"}"#, 5, .unknownCommand),
                (#"{"id":6,"cmd":"arm","args":{"depth_mm":0.5,"speed":99}}"#, 6, .invalidRequest),
            ]
            try client.send("\n   \n")  // blank lines are ignored, not answered
            for (line, id, code) in cases {
                try client.send(line + "\n")
                let reply = try client.readReply()
                #expect(reply.id == id)
                guard case .failure(let error) = reply.outcome else {
                    Issue.record("\(line) was accepted")
                    continue
                }
                #expect(error.code == code)
            }
            #expect(handler.calls.isEmpty)
        }
    }

    @Test func peerCredentialsAreTheClientProcess() async throws {
        try await withServer { _, handler, path in
            let client = try TestClient(path: path)
            try client.send(#"{"id":1,"cmd":"clear"}"# + "\n")
            _ = try client.readReply()
            let peer = try #require(handler.calls.first?.1)
            #expect(peer == PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid()))
        }
    }

    @Test func socketFileHasMode0660AndIsRemovedOnStop() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = ControlServer(configuration: .init(socketPath: directory.socketPath), handler: FakeRequestHandler())
        try await server.start()
        var info = stat()
        #expect(lstat(directory.socketPath, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o660)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        let client = try TestClient(path: directory.socketPath)
        try client.send(#"{"id":1,"cmd":"status"}"# + "\n")
        #expect(try client.readReply().id == 1)
        await server.stop()
        #expect(lstat(directory.socketPath, &info) != 0 && errno == ENOENT)
        #expect(try client.readLine() == nil, "open connections are closed by stop()")
    }

    @Test func watchStreamsTelemetry() async throws {
        try await withServer { _, _, path in
            let client = try TestClient(path: path)
            try client.send(#"{"id":3,"cmd":"watch","args":{"interval_ms":10}}"# + "\n")
            let first = try client.readReply()
            #expect(first.id == 3 && first.isOK)
            for _ in 0..<3 {
                #expect(try client.readMessage() == .event(.telemetry(FakeRequestHandler.initialStatus)))
            }
        }
    }

    @Test func watchPushesStateChangesImmediately() async throws {
        try await withServer { _, handler, path in
            let client = try TestClient(path: path, timeoutSeconds: 2)
            try client.send(#"{"id":3,"cmd":"watch","args":{"interval_ms":10000}}"# + "\n")
            _ = try client.readReply()
            _ = try client.readMessage()  // the immediate first sample
            handler.setStatus {
                $0.state = .fault
                $0.faults = [.estop]
            }
            guard case .event(.telemetry(let status)) = try client.readMessage() else {
                Issue.record("expected telemetry")
                return
            }
            #expect(status.faults == [.estop])
        }
    }

    @Test func aLiveSocketIsNotTakenOver() async throws {
        try await withServer { _, _, path in
            let before = try FileSnapshot(path)
            let second = ControlServer(configuration: .init(socketPath: path), handler: FakeRequestHandler())
            await #expect(throws: ControlServerError.alreadyListening(path: path)) { try await second.start() }
            #expect(try FileSnapshot(path) == before)
            let client = try TestClient(path: path)
            try client.send(#"{"id":1,"cmd":"status"}"# + "\n")
            #expect(try client.readReply().id == 1)
        }
    }

    @Test func aStaleSocketIsReplaced() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try makeStaleSocket(at: directory.socketPath)
        let server = ControlServer(configuration: .init(socketPath: directory.socketPath), handler: FakeRequestHandler())
        // Without removing the stale file, bind fails with EADDRINUSE and start throws.
        // (Inode numbers are reused at once on tmpfs, so they cannot tell old from new.)
        try await server.start()
        let client = try TestClient(path: directory.socketPath)
        try client.send(#"{"id":1,"cmd":"status"}"# + "\n")
        #expect(try client.readReply().id == 1)
        await server.stop()
    }

    @Test func aNonSocketFileIsLeftAlone() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        mkdir(directory.path + "/run", 0o755)
        if let file = fopen(directory.socketPath, "w") { fclose(file) }
        let server = ControlServer(configuration: .init(socketPath: directory.socketPath), handler: FakeRequestHandler())
        await #expect(throws: ControlServerError.notASocket(path: directory.socketPath)) { try await server.start() }
        var info = stat()
        #expect(lstat(directory.socketPath, &info) == 0)
    }

    @Test func connectionsBeyondTheLimitAreToldBusy() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = ControlServer(
            configuration: .init(socketPath: directory.socketPath, maxConnections: 1), handler: FakeRequestHandler())
        try await server.start()
        let first = try TestClient(path: directory.socketPath)
        try first.send(#"{"id":1,"cmd":"status"}"# + "\n")
        #expect(try first.readReply().id == 1)
        // The fake handler makes every peer a clinician, who may stop: beyond the limit it is
        // let in on a slot kept for stop, where anything else is busy.
        let second = try TestClient(path: directory.socketPath)
        try second.send(#"{"id":2,"cmd":"status"}"# + "\n")
        let refused = try second.readReply()
        #expect(refused.id == 2)
        #expect(refused.outcome == .failure(ProtocolError(.busy, "every control connection is taken; this one was let in for stop only")))
        #expect(try second.readLine() == nil)
        await server.stop()
    }

    @Test func aConnectionAfterStopIsNotServed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = ControlServer(configuration: .init(socketPath: directory.socketPath), handler: FakeRequestHandler())
        try await server.start()
        await server.stop()
        #expect(throws: TestFailure.self) { try TestClient(path: directory.socketPath) }
        await #expect(throws: ControlServerError.invalidState("a control server can be started only once")) {
            try await server.start()
        }
    }
}
