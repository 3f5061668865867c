import NeedleProtocol
import Testing

/// `arm`'s `client`: the clinic's pseudonymous reference, checked before anything reaches
/// the core or the records.
@Suite("Client references on arm")
struct ClientReferenceTests {
    @Test("1–32 letters, digits, - and _ are taken and survive the wire", arguments: ["a", "C-17", "client_0042", String(repeating: "z", count: 32)])
    func accepted(_ client: String) throws {
        let arm = try ArmArguments(area: "cheeks", client: client)
        let line = try WireCoding.encode(Request(id: 1, command: .arm(arm)))
        let decoded = try Request(jsonLine: line)
        #expect(decoded.command == .arm(arm))
        #expect(String(decoding: line, as: UTF8.self).contains(#""client":"\#(client)""#))
    }

    @Test("anything else is invalid_client naming the rule and changes nothing",
          arguments: ["", "Jane Doe", "j.doe", "Søren", String(repeating: "z", count: 33), "a\nb", "C/1"])
    func refused(_ client: String) {
        do {
            _ = try ArmArguments(area: "cheeks", client: client)
            Issue.record("client \(client.debugDescription) was accepted")
        } catch {
            #expect(error.code == .invalidClient)
            #expect(error.message.contains("1 to 32 letters, digits, - or _"), "\(error.message)")
        }
    }

    @Test("on the wire: a non-string or bad client is invalid_client with the request's id",
          arguments: [#"{"id":5,"cmd":"arm","args":{"area":"neck","client":17}}"#, #"{"id":5,"cmd":"arm","args":{"area":"neck","client":"Jane Doe"}}"#])
    func onTheWire(_ json: String) throws {
        let refused = try #require(refusal(json))
        #expect(refused.id == 5)
        #expect(refused.error.code == .invalidClient)
        #expect(refused.error.message.contains("never a name"))
    }
}
