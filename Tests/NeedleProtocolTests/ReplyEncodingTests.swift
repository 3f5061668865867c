import NeedleProtocol
import Testing

@Suite("Replies, status and events on the wire")
struct ReplyEncodingTests {
    @Test func statusEncodesNullsExplicitly() throws {
        let json = text(try WireCoding.encode(sampleStatus))
        #expect(
            json
                == #"{"area":null,"depth_mm":0.5,"faults":["estop"],"hardware":"simulated","last_stop_reason":null,"#
                + #""mode":"home","motor_on":false,"remaining_s":null,"speed":null,"state":"armed","stroke_rate_hz":0,"#
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
            "target_stroke_rate_hz", "speed", "area", "faults", "hardware", "remaining_s", "strokes", "uptime_s",
            "last_stop_reason",
        ]
        #expect(Set(fields.keys) == expected)
    }

    @Test func replyRoundTrips() throws {
        var running = sampleStatus
        running.state = .running
        running.targetDepthMM = 0.5
        running.speed = 5
        running.area = "forehead"
        let replies: [Reply] = [
            Reply(id: 1, result: .status(sampleStatus)), Reply(id: 2, result: .status(running)),
            Reply(id: nil, result: .empty), Reply(id: 3, result: .message("armed")),
            Reply(id: 4, result: .json(.object(["count": .integer(3), "ratio": .number(0.5)]))),
            Reply(id: 5, failure: ProtocolError(.depthOutOfRange, "depth 1.2 mm is outside the home window")),
            Reply(id: nil, failure: ProtocolError(.requestTooLarge, "line over 65536 bytes")),
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
