import NeedleProtocol
import Testing

@Suite("Replies, status and events on the wire")
struct ReplyEncodingTests {
    @Test func statusEncodesNullsExplicitly() throws {
        let json = text(try WireCoding.encode(sampleStatus))
        #expect(
            json
                == #"{"area":null,"calibrated":true,"#
                + #""cartridge":{"lot":null,"needles":null,"serial":null,"state":"unknown","used":null},"#
                + #""depth_mm":0.5,"duration_s":null,"faults":["estop"],"hardware":"simulated","last_stop_reason":null,"#
                + #""mode":"home","motor_on":false,"override":null,"remaining_s":null,"#
                + #""self_test":{"result":"not_run","step":null},"speed":null,"state":"armed","stroke_rate_hz":0,"#
                + #""strokes":12,"target_depth_mm":null,"target_stroke_rate_hz":null,"uptime_s":3.5,"#
                + #""window":{"max":0.95,"min":0.05}}"#)
    }

    @Test func everyStatusKeyIsPresent() throws {
        guard case .object(let fields) = try WireCoding.decode(JSONValue.self, from: WireCoding.encode(sampleStatus)) else {
            Issue.record("status is not an object")
            return
        }
        let expected: Set = [
            "state", "mode", "depth_mm", "target_depth_mm", "window", "motor_on", "stroke_rate_hz",
            "target_stroke_rate_hz", "speed", "area", "duration_s", "override", "faults", "hardware", "remaining_s",
            "strokes", "uptime_s", "last_stop_reason", "calibrated", "self_test", "cartridge",
        ]
        #expect(Set(fields.keys) == expected)
    }

    /// A status with every optional part filled in: an armed override plan, an identified
    /// cartridge, a self-test that failed at a step.
    static var fullStatus: StatusResult {
        var running = sampleStatus
        running.state = .running
        running.targetDepthMM = 0.5
        running.speed = 5
        running.area = "forehead"
        running.durationS = 120
        running.override = true
        running.remainingS = 87.25
        running.calibrated = false
        running.selfTest = SelfTestReport(result: .failed, step: "motor")
        running.cartridge = CartridgeReport(state: .identified, serial: "SN-0001", lot: "LOT-7", needles: 36, used: true)
        return running
    }

    @Test func filledStatusWireForm() throws {
        let json = text(try WireCoding.encode(Self.fullStatus))
        #expect(json.contains(#""cartridge":{"lot":"LOT-7","needles":36,"serial":"SN-0001","state":"identified","used":true}"#), "\(json)")
        #expect(json.contains(#""self_test":{"result":"failed","step":"motor"}"#), "\(json)")
        #expect(json.contains(#""duration_s":120,"#) && json.contains(#""override":true,"#), "\(json)")
        #expect(json.contains(#""calibrated":false,"#), "\(json)")
    }

    /// A client reads a status reply as `.status`, not as raw JSON, for both an empty and a
    /// filled status: every new key must decode.
    @Test func statusPayloadDecodesAsStatus() throws {
        for status in [sampleStatus, Self.fullStatus] {
            let line = try WireCoding.encode(Reply(id: 1, result: .status(status)))
            #expect(try WireCoding.decode(Reply.self, from: line).outcome == .success(.status(status)), "\(text(line))")
        }
        // A status missing one of the keys is not a status (a raw object instead).
        guard case .object(var fields) = try WireCoding.decode(JSONValue.self, from: WireCoding.encode(sampleStatus)) else {
            Issue.record("status is not an object")
            return
        }
        fields["self_test"] = nil
        let partial = try WireCoding.decode(ResultPayload.self, from: WireCoding.encode(JSONValue.object(fields)))
        if case .status = partial { Issue.record("a status without self_test decoded as a status") }
    }

    @Test func replyRoundTrips() throws {
        let replies: [Reply] = [
            Reply(id: 1, result: .status(sampleStatus)), Reply(id: 2, result: .status(Self.fullStatus)),
            Reply(id: nil, result: .empty), Reply(id: 3, result: .message("armed")),
            Reply(id: 4, result: .json(.object(["count": .integer(3), "ratio": .number(0.5)]))),
            Reply(id: 5, failure: ProtocolError(.depthOutOfRange, "depth 1.2 mm is outside the home window")),
            Reply(id: nil, failure: ProtocolError(.requestTooLarge, "line over 65536 bytes")),
            Reply(id: 6, failure: ProtocolError(.storageFailed, "could not store the calibration: open failed (errno 13)")),
        ]
        for reply in replies {
            let line = try WireCoding.encode(reply)
            #expect(try WireCoding.decode(Reply.self, from: line) == reply, "\(text(line))")
        }
    }

    @Test func replyWireForm() throws {
        #expect(text(try WireCoding.encode(Reply(id: 1, result: .empty))) == #"{"id":1,"ok":true,"result":{}}"#)
        #expect(
            text(try WireCoding.encode(Reply(id: nil, failure: ProtocolError(.notArmed, "arm first"))))
                == #"{"error":{"code":"not_armed","message":"arm first"},"id":null,"ok":false}"#)
    }

    @Test func eventRoundTripAndDiscrimination() throws {
        let line = try WireCoding.encode(Event.telemetry(sampleStatus))
        #expect(text(line).hasPrefix(#"{"data":{"#))
        #expect(text(line).hasSuffix(#""event":"telemetry"}"#))
        #expect(try WireCoding.decode(ServerMessage.self, from: line) == .event(.telemetry(sampleStatus)))
        let reply = Reply(id: 8, result: .empty)
        #expect(try WireCoding.decode(ServerMessage.self, from: WireCoding.encode(reply)) == .reply(reply))
    }

    @Test func nonFiniteStatusRefusesToEncode() {
        var broken = sampleStatus
        broken.depthMM = .nan
        #expect(throws: (any Error).self) { try WireCoding.encode(broken) }
    }

    @Test func errorCodesAreSnakeCase() {
        for code in ErrorCode.allCases {
            #expect(code.rawValue.allSatisfy { $0.isLowercase || $0 == "_" }, "\(code.rawValue)")
        }
        #expect(ErrorCode.internal.rawValue == "internal")
    }
}
