import Foundation
import NeedleReport
import Testing

/// The session report as SVG, and rendered to a real PNG by rsvg-convert (librsvg2-bin,
/// installed by scripts/install-deps).
@Suite("Session report")
struct ReportRenderTests {
    static let rsvg = "/usr/bin/rsvg-convert"

    @Test("the SVG names the session's facts and draws both charts with their reference lines")
    func content() {
        let svg = ReportSVG.render(ReportSamples.report)
        for text in ["Treatment session #3", "C-0042", "cheeks", "clinical", "CX-0003, lot LOT-B&amp;C",
                     "2026-12-02T10:15:04Z", "2026-12-02T10:16:40Z", "completed", "target 1.50 mm",
                     "tolerance ±0.05 mm", "clinical limit 3.00 mm", "target 94.4 Hz (speed 5)", "900 samples"] {
            #expect(svg.contains(text), "missing \(text)")
        }
        #expect(!svg.contains("LOT-B&C"), "text is XML-escaped")
        // A control character XML cannot carry is shown, as in needle-hil's JUnit (XMLText).
        var odd = ReportSamples.report
        odd.facts.cartridgeLot = "L\u{1B}T"
        #expect(ReportSVG.render(odd).contains("lot L\\u{1B}T"))
        // Depth: two runs either side of the untrusted gap; rate: one run.
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)
        #expect(ReportSVG.render(ReportSamples.report) == svg, "a pure function")
    }

    @Test("an empty trace (a session that never got a sample) still renders its facts")
    func emptyTrace() {
        let svg = ReportSVG.render(SessionReport(facts: ReportSamples.facts, samples: []))
        #expect(svg.contains("Treatment session #3") && svg.contains("0 samples"))
        #expect(!svg.contains("<polyline"))
    }

    @Test("rsvg-convert renders it to a PNG of 800 × 1000 pixels",
          .enabled(if: FileManager.default.isExecutableFile(atPath: ReportRenderTests.rsvg)))
    func rendersToPNG() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svgURL = directory.appendingPathComponent("session.svg")
        let pngURL = directory.appendingPathComponent("session.png")
        try Data(ReportSVG.render(ReportSamples.report).utf8).write(to: svgURL)
        let convert = Process()
        convert.executableURL = URL(fileURLWithPath: Self.rsvg)
        convert.arguments = ["-o", pngURL.path, svgURL.path]
        let errors = Pipe()
        convert.standardError = errors
        try convert.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        convert.waitUntilExit()
        #expect(convert.terminationStatus == 0, "rsvg-convert: \(message)")
        let png = [UInt8](try Data(contentsOf: pngURL))
        try #require(png.count > 33)
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "PNG signature")
        #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
        func bigEndian(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(bigEndian(16) == ReportSVG.width && bigEndian(20) == ReportSVG.height)
        // A real drawing, not a blank page: a blank 800 × 1000 PNG compresses to a few KiB.
        #expect(png.count > 20_000, "\(png.count) bytes")
        if let keep = ProcessInfo.processInfo.environment["NEEDLE_REPORT_PNG"] {
            try Data(png).write(to: URL(fileURLWithPath: keep))
        }
    }
}
