import NeedleProtocol
import Testing

/// Decodes `json` as a request line, failing the test with the decoder's error if refused.
func decode(_ json: String) throws -> Request {
    do {
        return try Request(jsonLine: Array(json.utf8))
    } catch {
        Issue.record("refused: \(error.error)")
        throw error
    }
}

/// Decodes `json` expecting a refusal, and returns it (nil and a recorded issue if accepted).
func refusal(_ json: String) -> RequestDecodingError? {
    do {
        let request = try Request(jsonLine: Array(json.utf8))
        Issue.record("accepted \(json) as \(request)")
        return nil
    } catch {
        return error
    }
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

let sampleStatus = StatusResult(
    state: .armed, mode: .home, depthMM: 0.5, targetDepthMM: nil, window: .init(min: 0.05, max: 0.95),
    motorOn: false, strokeRateHz: 0, targetStrokeRateHz: nil, speed: nil, area: nil, durationS: nil, override: nil,
    faults: [.estop], hardware: .simulated, remainingS: nil, strokes: 12, uptimeS: 3.5, lastStopReason: nil,
    calibrated: true, selfTest: .notRun, cartridge: .unknown)
