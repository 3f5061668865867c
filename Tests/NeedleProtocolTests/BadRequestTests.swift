import NeedleProtocol
import Testing

@Suite("Refusing bad requests")
struct BadRequestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let json: String
        /// Words the error message must contain: the field and its allowed range.
        let mentions: [String]
        var testDescription: String { json }
    }

    static let badArguments: [Case] = [
        Case(json: #"{"id":9,"cmd":"arm","args":{}}"#, mentions: ["give depth_mm, or an area to take its default depth from"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"speed":3,"duration_s":60}}"#, mentions: ["give depth_mm, or an area"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":null,"area":null}}"#, mentions: ["give depth_mm, or an area"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"override":true}}"#, mentions: ["give depth_mm, or an area"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"deph_mm":0.5}}"#, mentions: ["unknown argument deph_mm", "depth_mm"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"area":"neck","override":"yes"}}"#, mentions: ["override", "true or false"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"area":"neck","override":1}}"#, mentions: ["override", "true or false"]),
        Case(json: #"{"id":9,"cmd":"calibrate","args":{}}"#, mentions: ["step", "required", "zero, span"]),
        Case(json: #"{"id":9,"cmd":"calibrate","args":{"step":"half"}}"#, mentions: ["step", "zero, span", "half"]),
        Case(json: #"{"id":9,"cmd":"calibrate","args":{"step":"span"}}"#, mentions: ["depth_mm", "required", "above 0", "3.5"]),
        Case(json: #"{"id":9,"cmd":"calibrate","args":{"step":"span","depth_mm":0}}"#, mentions: ["depth_mm", "above 0", "3.5"]),
        Case(json: #"{"id":9,"cmd":"calibrate","args":{"step":"span","depth_mm":-1}}"#, mentions: ["depth_mm", "above 0"]),
        Case(json: #"{"id":9,"cmd":"calibrate","args":{"step":"span","depth_mm":3.51}}"#, mentions: ["depth_mm", "at most 3.5"]),
        Case(json: #"{"id":9,"cmd":"calibrate","args":{"step":"span","depth_mm":"1"}}"#, mentions: ["depth_mm", "number"]),
        Case(json: #"{"id":9,"cmd":"calibrate","args":{"step":"zero","depth_mm":1}}"#, mentions: ["unknown argument depth_mm", "step"]),
        Case(json: #"{"id":9,"cmd":"calibrate","args":{"step":"span","depth_mm":1,"force":true}}"#, mentions: ["unknown argument force"]),
        Case(json: #"{"id":9,"cmd":"selftest","args":{"quick":true}}"#, mentions: ["unknown argument quick", "no arguments"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":"0.5"}}"#, mentions: ["depth_mm", "finite number"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"speed":11}}"#, mentions: ["speed", "1 to 10"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"speed":0}}"#, mentions: ["speed", "1 to 10"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"speed":2.5}}"#, mentions: ["speed", "integer"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"speed":true}}"#, mentions: ["speed", "integer"]),
        Case(
            json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"area":"\#(String(repeating: "x", count: 65))"}}"#,
            mentions: ["area", "64"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"area":""}}"#, mentions: ["area", "64"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"area":7}}"#, mentions: ["area", "string"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"duration_s":0}}"#, mentions: ["duration_s", "3600"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"duration_s":-5}}"#, mentions: ["duration_s", "above 0"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"duration_s":3600.5}}"#, mentions: ["duration_s", "3600"]),
        Case(json: #"{"id":9,"cmd":"arm","args":{"depth_mm":0.5,"depth":1}}"#, mentions: ["unknown argument depth", "depth_mm"]),
        Case(json: #"{"id":9,"cmd":"watch","args":{"interval_ms":9}}"#, mentions: ["interval_ms", "10 to 10000"]),
        Case(json: #"{"id":9,"cmd":"watch","args":{"interval_ms":10001}}"#, mentions: ["interval_ms", "10 to 10000"]),
        Case(json: #"{"id":9,"cmd":"watch","args":{"interval_ms":"100"}}"#, mentions: ["interval_ms", "integer"]),
        Case(json: #"{"id":9,"cmd":"mode","args":{}}"#, mentions: ["mode", "home, clinical"]),
        Case(json: #"{"id":9,"cmd":"mode","args":{"mode":"turbo"}}"#, mentions: ["mode", "home, clinical", "turbo"]),
        Case(json: #"{"id":9,"cmd":"status","args":{"verbose":true}}"#, mentions: ["verbose", "no arguments"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{}}"#, mentions: ["action", "depth, fault, load, trigger"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"explode"}}"#, mentions: ["action", "depth, fault, load, trigger"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"depth"}}"#, mentions: ["depth_mm", "required"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"fault","name":"gremlins"}}"#, mentions: ["name", "sensor-error", "cartridge-removed"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"fault","name":"stall","clear":"yes"}}"#, mentions: ["clear", "true or false"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"load","fraction":1.5}}"#, mentions: ["fraction", "0 to 1"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"load","fraction":-0.1}}"#, mentions: ["fraction", "0 to 1"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"trigger","pressed":1}}"#, mentions: ["pressed", "true or false"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"cartridge_insert","lot":"L1","needles":36}}"#, mentions: ["serial", "required"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"cartridge_insert","serial":"ABCDEFGHIJKLM","lot":"L1","needles":36}}"#, mentions: ["serial", "12"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"cartridge_insert","serial":"Søren","lot":"L1","needles":36}}"#, mentions: ["serial", "ASCII"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"cartridge_insert","serial":"S1","lot":"L1","needles":0}}"#, mentions: ["needles", "1 to 255"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"cartridge_insert","serial":"S1","lot":"L1"}}"#, mentions: ["needles", "required"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"cartridge_remove","serial":"S1"}}"#, mentions: ["unknown argument serial"]),
        Case(json: #"{"id":9,"cmd":"sim","args":{"action":"trigger","pressed":true,"fraction":1}}"#, mentions: ["unknown argument fraction"]),
        Case(json: #"{"id":9,"cmd":"arm","args":[1]}"#, mentions: ["args", "object"]),
    ]

    @Test(arguments: badArguments)
    func badArgumentNamesTheField(_ bad: Case) throws {
        let refused = try #require(refusal(bad.json))
        #expect(refused.id == 9)
        #expect(refused.error.code == .invalidRequest)
        for word in bad.mentions {
            #expect(refused.error.message.contains(word), "message: \(refused.error.message)")
        }
    }

    @Test func unknownCommandEchoesId() throws {
        let refused = try #require(refusal(#"{"id":4,"cmd":"launch","args":{}}"#))
        #expect(refused.id == 4)
        #expect(refused.error.code == .unknownCommand)
        #expect(refused.error.message.contains("launch"))
    }

    @Test(arguments: [#"{"id":3,"cmd":"status""#, "not json", #"{"id":3 "cmd":"status"}"#, #"{"id":3,"cmd":"arm","args":{"depth_mm":1e999}}"#, #"{"id":3,"cmd":"status"}}"#, "\u{FF}\u{FE}"])
    func invalidJSONHasNullId(_ line: String) throws {
        let refused = try #require(refusal(line))
        #expect(refused.id == nil)
        #expect(refused.error.code == .invalidRequest)
        #expect(text(try WireCoding.encode(refused.reply)).hasPrefix(#"{"error":{"code":"invalid_request","#))
        #expect(text(try WireCoding.encode(refused.reply)).hasSuffix(#""id":null,"ok":false}"#))
    }

    @Test(arguments: [
        (#"[1,2]"#, "object"), (#"{"id":"1","cmd":"status"}"#, "id"), (#"{"id":1.5,"cmd":"status"}"#, "id"),
        (#"{"id":1,"cmd":5}"#, "cmd"), (#"{"id":1}"#, "cmd"), (#"{"id":1,"cmd":"status","extra":0}"#, "extra"),
    ])
    func malformedEnvelope(_ line: String, _ mentions: String) throws {
        let refused = try #require(refusal(line))
        #expect(refused.error.code == .invalidRequest)
        #expect(refused.error.message.contains(mentions), "message: \(refused.error.message)")
    }

    @Test func nonFiniteSpanDepthIsRefused() {
        #expect(throws: ProtocolError.self) { try Command.calibrate(.span(depthMM: .infinity)).validated() }
        #expect(throws: ProtocolError.self) { try Command.calibrate(.span(depthMM: .nan)).validated() }
    }

    @Test func clientSideArmNeedsDepthOrArea() throws {
        do {
            _ = try ArmArguments(speed: 4, durationS: 30)
            Issue.record("an arm with neither depth nor area was accepted")
        } catch {
            #expect(error.code == .invalidRequest)
            #expect(error.message.contains("give depth_mm, or an area to take its default depth from"))
        }
        #expect(throws: Never.self) { try ArmArguments(area: "forehead") }
        #expect(throws: Never.self) { try ArmArguments(depthMM: 0.5) }
    }

    @Test func clientSideValidationMatchesDecoder() {
        #expect(throws: ProtocolError.self) { try Command.sim(.load(fraction: 2)).validated() }
        #expect(throws: ProtocolError.self) { try ArmArguments(depthMM: .nan) }
        #expect(throws: ProtocolError.self) { try ArmArguments(depthMM: 0.5, speed: 11) }
        #expect(throws: ProtocolError.self) { try WatchArguments(intervalMS: 5) }
        #expect(throws: Never.self) { try Command.sim(.load(fraction: 0.5)).validated() }
    }
}
