#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import NeedleDaemon

/// The loop holds the kernel's PM QoS request at 0 µs while it runs: a 32-bit zero written
/// to /dev/cpu_dma_latency and the file kept open. Checked on a plain file standing in for
/// the device (the kernel's side is measured by needle-bench, not testable here).
@Suite("CPU wake-up latency hold")
struct CPULatencyHoldTests {
    @Test("the hold writes a 32-bit zero and keeps the file open")
    func writesZero() throws {
        var template = Array("/tmp/needle-cpu-latency-XXXXXX".utf8CString)
        let scratch = mkstemp(&template)
        try #require(scratch >= 0)
        close(scratch)
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        // A byte that is not zero first, so that a hold which writes nothing is seen.
        let filled = open(path, O_WRONLY | O_TRUNC)
        var junk: UInt8 = 0xFF
        _ = withUnsafeBytes(of: &junk) { write(filled, $0.baseAddress, 1) }
        close(filled)

        let fd = try RealtimeSetup.holdCPULatency(path: path).get()
        defer { close(fd) }
        #expect(fcntl(fd, F_GETFD) >= 0, "the descriptor that holds the request stays open")
        let reader = open(path, O_RDONLY)
        defer { close(reader) }
        var bytes = [UInt8](repeating: 0xAA, count: 8)
        let count = bytes.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
        #expect(count == 4)
        #expect(Array(bytes.prefix(4)) == [0, 0, 0, 0])
    }

    @Test("a missing file is refused with its errno, and the loop runs without the hold")
    func missingFile() {
        let result = RealtimeSetup.holdCPULatency(path: "/nonexistent/cpu_dma_latency")
        #expect(result == .failure(CPULatencyRefusal(errno: ENOENT)))
    }
}
