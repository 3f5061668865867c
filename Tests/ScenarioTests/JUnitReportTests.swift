import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import needle_hil
import XMLText

@Suite("needle-hil's JUnit XML report")
struct JUnitReportTests {
    /// What an XML parser reads back: each element's name and attributes, and its text.
    final class Reader: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var text: [String: String] = [:]
        private var current = ""
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append((name, attributes))
            current = name
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            current = ""  // the indentation between elements belongs to none of them
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !current.isEmpty { text[current, default: ""] += string }
        }
    }

    func parse(_ xml: String) throws -> Reader {
        let parser = XMLParser(data: Data(xml.utf8))
        let reader = Reader()
        parser.delegate = reader
        let ok = parser.parse()
        #expect(ok, "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")\n\(xml)")
        return reader
    }

    @Test("markup characters, line breaks and control characters are escaped; other text is kept")
    func escaping() {
        #expect(XMLText.escaped(#"a<b>&"c"'d'"#) == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;")
        #expect(XMLText.escaped("one\ntwo\tthree\r") == "one&#10;two&#9;three&#13;")
        #expect(XMLText.escaped("\u{1B}[31mred\u{0}") == "\\u{1B}[31mred\\u{0}")
        #expect(XMLText.escaped("MOTOR_EN low in 408 µs — ok") == "MOTOR_EN low in 408 µs — ok")
        #expect(XMLText.escaped("&amp;") == "&amp;amp;")
    }

    @Test("one test case per scenario; a failure's message names its step and reads back exactly")
    func document() throws {
        let why = "not within 500.0 ms; last seen motor_on=false <state=\"fault\"> & more\nsecond line"
        let outcomes = [
            ScenarioOutcome(name: "treatment", verdict: .passed, elapsedNs: 1_234_567_890, console: ["  PASS  1 ctl start (1.0 ms)"]),
            ScenarioOutcome(
                name: "trip-delay", verdict: .failed(step: 7, what: "expect line MOTOR_EN=1 within 200ms", why: why),
                elapsedNs: 5_000_000, daemonLog: "fault=sensor_fault\u{1B}\nworst_late_us=12"),
            ScenarioOutcome(name: "sigkill-running", verdict: .skipped("only for the kernel world"), elapsedNs: 0),
        ]
        let xml = JUnitReport.xml(world: "sim", outcomes: outcomes, elapsedNs: 2_000_000_000)
        let reader = try parse(xml)

        let suites = reader.elements.filter { $0.name == "testsuite" }
        #expect(suites.count == 1)
        #expect(suites.first?.attributes["tests"] == "3")
        #expect(suites.first?.attributes["failures"] == "1")
        #expect(suites.first?.attributes["skipped"] == "1")
        #expect(suites.first?.attributes["time"] == "2.000")
        let cases = reader.elements.filter { $0.name == "testcase" }
        #expect(cases.map { $0.attributes["name"] } == ["treatment", "trip-delay", "sigkill-running"])
        #expect(cases.allSatisfy { $0.attributes["classname"] == "hil.sim" })
        #expect(cases.first?.attributes["time"] == "1.235")

        let failures = reader.elements.filter { $0.name == "failure" }
        #expect(failures.count == 1)
        #expect(failures.first?.attributes["message"] == "step 7 \"expect line MOTOR_EN=1 within 200ms\": \(why)")
        #expect(reader.text["failure"] == "fault=sensor_fault\\u{1B}\nworst_late_us=12")
        #expect(reader.elements.filter { $0.name == "skipped" }.first?.attributes["message"] == "only for the kernel world")
        #expect(reader.text["system-out"]?.contains("  PASS  1 ctl start (1.0 ms)") == true)
    }

    @Test("JUnit times are seconds with three decimals")
    func times() {
        #expect(JUnitReport.seconds(0) == "0.000")
        #expect(JUnitReport.seconds(999_499) == "0.001")
        #expect(JUnitReport.seconds(61_020_000_000) == "61.020")
    }
}
