import NeedleDaemon
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket bound in a temp dir (or at an abstract name), standing in for
/// systemd's notify socket or journald's: it records what the daemon sends.
final class DatagramReceiver {
    let descriptor: Int32
    /// What to put in `$NOTIFY_SOCKET`: the path, or `@name` for an abstract socket.
    let address: String
    private let directory: TemporaryDirectory?

    init(abstract: Bool = false) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let length: Int
        if abstract {
            let name = "needled-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            self.address = "@" + name
            directory = nil
            let bytes = [UInt8(0)] + Array(name.utf8)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
            length = 2 + bytes.count
        } else {
            let directory = try TemporaryDirectory()
            self.directory = directory
            self.address = directory.path + "/notify"
            let bytes = Array(self.address.utf8)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes); $0[bytes.count] = 0 }
            length = MemoryLayout<sockaddr_un>.size
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
        }
        guard result == 0 else { throw TestFailure("bind \(self.address): errno \(errno)") }
    }

    deinit {
        close(descriptor)
        if let directory {
            unlink(address)
            directory.remove()
        }
    }

    /// The next datagram, or nil after the receive timeout.
    func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return Array(buffer[..<count])
    }

    func receiveText() -> String? { receive().map { String(decoding: $0, as: UTF8.self) } }

    /// Every datagram that arrives within `seconds`.
    func drain(for seconds: Double) -> [String] {
        let end = now() + seconds
        var received: [String] = []
        while now() < end {
            if let text = receiveText() { received.append(text) }
        }
        return received
    }

    private func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// A loop-progress source the test moves by hand (or leaves stalled).
final class FakeProgress: LoopProgressSource {
    let periodNs: UInt64
    private let last = Atomic<UInt64>(0)

    init(periodNs: UInt64 = 1_000_000) { self.periodNs = periodNs }

    var lastProgressNs: UInt64 { last.load(ordering: .acquiring) }
    func tick(at ns: UInt64) { last.store(ns, ordering: .releasing) }
}

func monotonicNowNs() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// A loop that ticks "right now" whenever asked, until it is stalled.
final class LiveProgress: LoopProgressSource {
    let periodNs: UInt64 = 1_000_000
    private let frozenAt = Atomic<UInt64>(0)

    var stalled: Bool {
        get { frozenAt.load(ordering: .acquiring) != 0 }
        set { frozenAt.store(newValue ? monotonicNowNs() : 0, ordering: .releasing) }
    }

    var lastProgressNs: UInt64 {
        let frozen = frozenAt.load(ordering: .acquiring)
        return frozen != 0 ? frozen : monotonicNowNs()
    }
}
