import NeedleProtocol
import Testing

@Suite("Line framing")
struct LineFramerTests {
    @Test func splitsAcrossChunks() {
        var framer = LineFramer()
        #expect(framer.append(Array(#"{"cmd":"st"#.utf8)) == [])
        #expect(framer.append(Array("atus\"}\n{\"cmd\":\"stop\"}\r\n".utf8))
            == [.line(Array(#"{"cmd":"status"}"#.utf8)), .line(Array(#"{"cmd":"stop"}"#.utf8))])
    }

    @Test func skipsBlankLines() {
        var framer = LineFramer()
        #expect(framer.append(Array("\n \n\t\r\nx\n".utf8)) == [.line([UInt8(ascii: "x")])])
    }

    @Test func overLongLineYieldsOneErrorAndFramingResumes() {
        var framer = LineFramer(maxLineLength: 8)
        #expect(framer.append(Array("12345678\n".utf8)) == [.line(Array("12345678".utf8))])
        #expect(framer.append(Array("123456789".utf8)) == [.tooLong])
        #expect(framer.append(Array(repeating: UInt8(ascii: "x"), count: 100)) == [])
        #expect(framer.bufferedByteCount == 0)
        #expect(framer.append(Array("yy\nok\n".utf8)) == [.line(Array("ok".utf8))])
    }

    @Test func limitCountsBytesBeforeCRLF() {
        var framer = LineFramer(maxLineLength: 4)
        #expect(framer.append(Array("abcd\r\nabcde\r\n".utf8)) == [.line(Array("abcd".utf8)), .tooLong])
    }
}
