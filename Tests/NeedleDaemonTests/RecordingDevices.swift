import NeedleCore
import NeedleHAL

/// The depth sensor as the loop sees it, remembering what its last read returned: the
/// invariant test judges each tick by the sample the loop actually got.
/// (Its inner sensor is set by the harness's `wrap`, as `FailingOutput`'s is.)
final class RecordingDepthSensor: DepthSensor, @unchecked Sendable {
    var inner: (any DepthSensor)?
    /// The last read's result (nil: not read since `forget()`).
    private(set) var last: DepthInput?

    func forget() { last = nil }

    func read() throws(HALError) -> DepthSensorReading {
        do throws(HALError) {
            guard let inner else { throw HALError(.noAcknowledge, device: "recording sensor without a sensor") }
            let reading = try inner.read()
            last = .reading(rawAngle: reading.rawAngle, magnetGood: reading.magnet.isGood)
            return reading
        } catch {
            last = .readError
            throw error
        }
    }
}

/// An input line as the loop sees it, remembering the newest activation it handed on (the
/// tach's last stroke, which decides whether a runaway's cause is gone).
final class RecordingInput: DigitalInput, @unchecked Sendable {
    var inner: (any DigitalInput)?
    private(set) var lastActivationNs: UInt64?

    func read() throws(HALError) -> Bool { try inner?.read() ?? false }

    func nextEdge() throws(HALError) -> EdgeEvent? {
        let edge = try inner?.nextEdge()
        if let edge, edge.becameActive { lastActivationNs = max(lastActivationNs ?? 0, edge.timestampNs) }
        return edge
    }
}
