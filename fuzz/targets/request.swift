// fuzz-modules: NeedleProtocol
// The control socket's request path, exactly as the server runs it: bytes → LineFramer →
// Request(jsonLine:) → reply. Checked on every input:
//   - the framer never returns a line longer than its cap or containing a newline;
//   - decoding never crashes, and every refusal encodes as a reply line;
//   - an accepted request re-encodes and decodes to the same request (no lossy args).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: start, count: count)
    // The first byte picks the line cap, so the over-long path is reached with small inputs.
    let cap = input[0] < 128 ? LineFramer.defaultMaxLineLength : 1 + Int(input[0] & 0x7F) * 8
    var framer = LineFramer(maxLineLength: cap)
    // Feed in two chunks split at a position the input chooses, like two socket reads.
    let body = input.dropFirst()
    let split = body.isEmpty ? 0 : Int(input[0]) % (body.count + 1)
    var frames = framer.append(body.prefix(split))
    frames += framer.append(body.dropFirst(split))
    frames += framer.append([UInt8(ascii: "\n")])
    for frame in frames {
        guard case .line(let line) = frame else { continue }
        precondition(line.count <= cap, "framer returned \(line.count) bytes over a cap of \(cap)")
        precondition(!line.contains(UInt8(ascii: "\n")), "framer returned a line with a newline")
        check(line)
    }
    return 0
}

private func check(_ line: [UInt8]) {
    let request: Request
    do {
        request = try Request(jsonLine: line)
    } catch {
        guard (try? WireCoding.encodeLine(error.reply)) != nil else {
            preconditionFailure("the refusal of \(String(decoding: line, as: UTF8.self)) cannot be encoded")
        }
        return
    }
    guard let encoded = try? WireCoding.encode(request) else {
        preconditionFailure("accepted request \(request) cannot be encoded")
    }
    do {
        let again = try Request(jsonLine: encoded)
        precondition(again == request, "round trip changed \(request) into \(again)")
    } catch {
        preconditionFailure("re-encoded request \(String(decoding: encoded, as: UTF8.self)) is refused: \(error)")
    }
}
