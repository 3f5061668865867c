import NeedleDaemon
import NeedleProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("socket activation", .timeLimit(.minutes(1)), .serialized)
struct SocketActivationTests {
    /// A listening Unix socket the test made itself, moved onto a free high descriptor as
    /// systemd would put it on fd 3.
    private func inheritedListener(at path: String) throws -> Int32 {
        let descriptor = unixStreamSocket()
        var address = unixAddress(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else { throw TestFailure("bind/listen: errno \(errno)") }
        // Find a free descriptor well above what the test process uses and dup2 onto it.
        var target: Int32 = 900
        while fcntl(target, F_GETFD) >= 0 { target += 1 }
        guard dup2(descriptor, target) == target else { throw TestFailure("dup2: errno \(errno)") }
        close(descriptor)
        return target
    }

    @Test("LISTEN_PID = our pid and LISTEN_FDS = 1: the inherited descriptor is found and checked")
    func parsesTheEnvironment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        mkdir(directory.path + "/run", 0o755)
        let fd = try inheritedListener(at: directory.socketPath)
        defer { close(fd) }
        let pid = getpid()
        let ours = ServiceEnvironment(["LISTEN_PID": "\(pid)", "LISTEN_FDS": "1"])
        #expect(try SocketActivation.inheritedListeners(environment: ours, pid: pid, firstDescriptor: fd) == [fd])
        #expect((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0)
        // Another process's sockets, or none at all: bind as usual.
        let theirs = ServiceEnvironment(["LISTEN_PID": "\(pid + 1)", "LISTEN_FDS": "1"])
        #expect(try SocketActivation.inheritedListeners(environment: theirs, pid: pid, firstDescriptor: fd).isEmpty)
        #expect(try SocketActivation.inheritedListeners(environment: ServiceEnvironment([:]), pid: pid).isEmpty)
        #expect(throws: SystemdError.invalidEnvironment(name: "LISTEN_FDS", value: "many")) {
            try SocketActivation.inheritedListeners(
                environment: ServiceEnvironment(["LISTEN_PID": "\(pid)", "LISTEN_FDS": "many"]), pid: pid)
        }
    }

    @Test("a descriptor that is not a listening Unix stream socket is refused")
    func refusesNonSockets() throws {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw TestFailure("pipe: errno \(errno)") }
        defer { close(pipeEnds[0]); close(pipeEnds[1]) }
        let pid = getpid()
        let environment = ServiceEnvironment(["LISTEN_PID": "\(pid)", "LISTEN_FDS": "1"])
        #expect(throws: SystemdError.notAListeningSocket(fd: pipeEnds[0], reason: "not a socket")) {
            try SocketActivation.inheritedListeners(environment: environment, pid: pid, firstDescriptor: pipeEnds[0])
        }
        let unbound = unixStreamSocket()
        defer { close(unbound) }
        #expect(throws: SystemdError.notAListeningSocket(fd: unbound, reason: "not listening")) {
            try SocketActivation.inheritedListeners(environment: environment, pid: pid, firstDescriptor: unbound)
        }
    }

    @Test("the server serves an inherited socket and leaves its path to systemd on stop")
    func serverAdoptsTheInheritedSocket() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        mkdir(directory.path + "/run", 0o755)
        let fd = try inheritedListener(at: directory.socketPath)
        let before = try FileSnapshot(directory.socketPath)
        let handler = FakeRequestHandler()
        let server = ControlServer(
            configuration: .init(socketPath: directory.path + "/unused.sock", inheritedDescriptor: fd), handler: handler)
        try await server.start()
        #expect(server.isListening)
        var info = stat()
        #expect(lstat(directory.path + "/unused.sock", &info) != 0, "nothing is bound at the configured path")
        let client = try TestClient(path: directory.socketPath)
        try client.send(#"{"id":7,"cmd":"status"}"# + "\n")
        #expect(try client.readReply().id == 7)
        await server.stop()
        #expect(try FileSnapshot(directory.socketPath) == before, "systemd's socket file stays")
    }
}
