#if canImport(Glibc)
import Glibc
#endif
import NeedleRecords
import Synchronization

/// `needle-bench --records N`: how `status` answers while the records are read hard (issue
/// 12: 16 clients repeating `history` pushed `status` from 0.6 ms to 269 ms median). Writes
/// N sessions into a scratch state directory, starts the real `needled --simulate` on it,
/// measures `status` round trips alone, then with `readers` clients each paging through the
/// whole history again and again, and prints median and p99 of both. A benchmark, not a
/// test: it reports and exits 0.
enum RecordsBench {
    /// Requests per second per connection: under the daemon's limit of 50.
    static let requestIntervalUs: UInt32 = 25_000

    static func run(sessions: Int, readers: Int, seconds: Double, options: Options) -> Int32 {
        var template = Array("/tmp/needle-bench-records-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { return fail("cannot make a scratch directory") }
        let state = String(cString: made)
        defer { DaemonProbe.removeTree(state) }
        let seedStart = DaemonProbe.monotonicNs()
        do {
            let store = try TreatmentRecordStore(path: state + "/treatments.sqlite")
            for index in 0..<sessions {
                let start = 1_780_000_000_000 + Int64(index) * 60_000
                _ = try store.open(TreatmentRecord(
                    startedAtMs: start, updatedAtMs: start + 120_000, mode: "clinical", area: "cheeks", targetDepthMM: 1.5,
                    speedLevel: 5, strokes: 9000, motorOnS: 120, cartridgeSerial: "CX-\(index)", cartridgeLot: "LOT-B",
                    client: "C-\(index % 300)", backend: "simulated"))
            }
        } catch {
            return fail("cannot write the sessions: \(error)")
        }
        print("records: \(sessions) sessions written in \(round1(Double(DaemonProbe.monotonicNs() - seedStart) / 1e9)) s")

        let socket = state + "/control.sock"
        var pid: pid_t = 0
        let argv = [options.executableDirectory + "/needled", "--simulate", "--socket", socket, "--state-dir", state, "--log-level", "error"]
        var cArgs = argv.map { strdup($0) }
        cArgs.append(nil)
        defer { cArgs.forEach { free($0) } }
        guard posix_spawn(&pid, argv[0], nil, nil, cArgs, environ) == 0 else { return fail("cannot start \(argv[0])") }
        defer {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        // Up once it answers status (it closes the N sessions as interrupted first).
        var probe: LineClient?
        let deadline = DaemonProbe.monotonicNs() + 120_000_000_000
        while probe == nil, DaemonProbe.monotonicNs() < deadline {
            probe = LineClient(path: socket)
            if probe == nil { usleep(50_000) }
        }
        guard let probe else { return fail("needled did not come up") }
        usleep(1_000_000)  // past the power-on self-test

        let alone = measureStatus(probe, seconds: min(seconds, 5))
        let shared = ReaderShared()
        var threads: [pthread_t] = []
        for _ in 0..<readers {
            let context = ReaderContext(path: socket, shared: shared)
            var thread = pthread_t()
            let box = Unmanaged.passRetained(context).toOpaque()
            guard pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                Unmanaged<ReaderContext>.fromOpaque(raw).takeRetainedValue().readForever()
                return nil
            }, box) == 0 else { return fail("cannot start a reader") }
            threads.append(thread)
        }
        usleep(500_000)
        let loaded = measureStatus(probe, seconds: seconds)
        shared.stop.store(true, ordering: .relaxed)
        for thread in threads { pthread_join(thread, nil) }
        let pageCount = shared.pages.load(ordering: .relaxed)

        func summary(_ values: [Double]) -> String {
            "median \(round2(percentile(values, 0.5))) ms, p99 \(round2(percentile(values, 0.99))) ms, max \(round2(values.max() ?? 0)) ms (\(values.count) requests)"
        }
        print("status alone: \(summary(alone.latencies))\(alone.failures > 0 ? ", \(alone.failures) failed" : "")")
        print("status with \(readers) clients paging through history: \(summary(loaded.latencies))\(loaded.failures > 0 ? ", \(loaded.failures) failed" : "")")
        print("history pages served meanwhile: \(pageCount) (100 sessions each) in \(seconds) s")
        print("""
            {"records":{"sessions":\(sessions),"readers":\(readers),"seconds":\(seconds),\
            "status_alone_ms":{"p50":\(round2(percentile(alone.latencies, 0.5))),"p99":\(round2(percentile(alone.latencies, 0.99)))},\
            "status_loaded_ms":{"p50":\(round2(percentile(loaded.latencies, 0.5))),"p99":\(round2(percentile(loaded.latencies, 0.99))),"failed":\(loaded.failures)},\
            "history_pages":\(pageCount)}}
            """)
        return 0
    }

    static func fail(_ message: String) -> Int32 {
        print("needle-bench --records: \(message)")
        return 1
    }

    static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// `status` round trips, one every `requestIntervalUs`, for `seconds`.
    static func measureStatus(_ client: LineClient, seconds: Double) -> (latencies: [Double], failures: Int) {
        var latencies: [Double] = []
        var failures = 0
        let end = DaemonProbe.monotonicNs() + UInt64(seconds * 1e9)
        while DaemonProbe.monotonicNs() < end {
            let start = DaemonProbe.monotonicNs()
            if let reply = client.request(#"{"id":1,"cmd":"status"}"#), reply.contains(#""ok":true"#) {
                latencies.append(Double(DaemonProbe.monotonicNs() - start) / 1e6)
            } else {
                failures += 1
            }
            usleep(requestIntervalUs)
        }
        return (latencies, failures)
    }
}

/// What the readers share with the bench: when to stop, how many pages they read.
final class ReaderShared: Sendable {
    let stop = Atomic<Bool>(false)
    let pages = Atomic<Int>(0)
}

/// One reader: pages through the whole history (newest first), again and again, at the
/// connection's allowed rate, until told to stop.
final class ReaderContext: Sendable {
    let path: String
    let shared: ReaderShared

    init(path: String, shared: ReaderShared) {
        self.path = path
        self.shared = shared
    }

    func readForever() {
        guard let client = LineClient(path: path) else { return }
        var before: Int64?
        while !shared.stop.load(ordering: .relaxed) {
            let args = before.map { #"{"before":\#($0)}"# } ?? "{}"
            guard let reply = client.request(#"{"id":2,"cmd":"history","args":\#(args)}"#) else { return }
            shared.pages.add(1, ordering: .relaxed)
            before = Self.nextBefore(reply)
            usleep(RecordsBench.requestIntervalUs)
        }
    }

    /// The reply's `"next_before":N`, nil at the last page (then the next round starts).
    static func nextBefore(_ reply: String) -> Int64? {
        guard let range = reply.firstRange(of: #""next_before":"#) else { return nil }
        return Int64(reply[range.upperBound...].prefix { $0.isNumber })
    }
}

/// A blocking control-socket client: one request line out, its reply line back.
final class LineClient {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init?(path: String) {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(fd)
            return nil
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            return nil
        }
    }

    deinit { Glibc.close(fd) }

    /// Sends `line` and returns the next reply line; nil if the connection broke.
    func request(_ line: String) -> String? {
        let bytes = Array((line + "\n").utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return nil }
            sent += count
        }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let reply = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return reply
            }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
