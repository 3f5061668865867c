import Testing
@testable import NeedleDaemon

/// The trace of a session is bounded: 10 minutes at 10 Hz fit whole, longer ones are
/// thinned so that the whole session is still covered.
@Suite("Session trace")
struct SessionTraceTests {
    func filled(seconds: Int) -> SessionTrace {
        var trace = SessionTrace()
        for index in 0..<(seconds * 10) {
            trace.append(timeMs: Int64(index) * 100, depthMM: index % 50 == 7 ? nil : 0.5, strokeRateHz: 94.4)
        }
        return trace
    }

    @Test("10 minutes at 10 Hz: all 6,000 samples, in order, a missing depth kept as NaN")
    func tenMinutes() {
        let trace = filled(seconds: 600)
        #expect(trace.samples.count == 6_000)
        #expect(trace.stride == 1)
        #expect(trace.samples.last?.timeMs == 599_900)
        #expect(trace.samples[7].depthMM.isNaN && trace.samples[8].depthMM == 0.5)
    }

    @Test("an hour: never more than 6,000 samples, evenly spaced, from the start to the end", arguments: [601, 1_200, 3_600])
    func longSessionsAreThinned(seconds: Int) {
        let trace = filled(seconds: seconds)
        #expect(trace.samples.count <= SessionTrace.capacity)
        #expect(trace.samples.first?.timeMs == 0)
        let last = Int32(seconds * 1000 - 100)
        #expect(Int32(trace.samples.last?.timeMs ?? 0) > last - Int32(trace.stride) * 100, "covers the end")
        let gaps = Set(zip(trace.samples, trace.samples.dropFirst()).map { $1.timeMs - $0.timeMs })
        #expect(gaps == [Int32(trace.stride) * 100], "evenly spaced: \(gaps)")
    }
}
