import XMLText

/// Renders a `SessionReport` as a one-page SVG (A4-like proportions, 800 × 1000 px):
/// the session's facts, then measured depth against time with the target, the tolerance
/// band and the mode's limit, then the stroke rate with its target. A pure function: the
/// same report gives the same bytes.
public enum ReportSVG {
    public static let width = 800
    public static let height = 1000

    enum Palette {
        static let depth = "#1f5fa8"
        static let rate = "#2a8a3e"
        static let target = "#333333"
        static let band = "#d9ecd9"
        static let limit = "#c62828"
    }

    public static func render(_ report: SessionReport) -> String {
        let facts = report.facts
        let samples = report.samples
        let lastTime = samples.last?.timeS ?? 0
        let maxTime = ReportChart.niceCeiling(max(lastTime, facts.motorOnS, 1))
        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">
            <style>text{font-family:'DejaVu Sans',Verdana,sans-serif;fill:#222222}.title{font-size:22px;font-weight:bold}.label{font-size:13px;fill:#666666}.value{font-size:13px}.chart{font-size:15px;font-weight:bold}.tick{font-size:11px;fill:#555555}.axis{font-size:12px}.legend{font-size:11px}</style>
            <rect width="100%" height="100%" fill="#ffffff"/>

            """
        svg += "<text x=\"40\" y=\"44\" class=\"title\">Treatment session #\(facts.session)</text>\n"
        svg += factTable(facts)

        let depths = samples.compactMap(\.depthMM)
        let depthTop = ReportChart.niceCeiling(max(facts.limitMM, depths.max() ?? 0) * 1.08)
        let depthChart = ReportChart(left: 90, top: 330, width: 670, height: 260, maxTimeS: maxTime, maxValue: depthTop)
        svg += "<text x=\"40\" y=\"306\" class=\"chart\">Depth</text>\n"
        svg += depthChart.axes(valueLabel: "depth (mm)", decimals: depthTop <= 2 ? 2 : 1)
        svg += depthChart.band(
            from: facts.targetDepthMM - facts.toleranceMM, to: facts.targetDepthMM + facts.toleranceMM, fill: Palette.band)
        svg += depthChart.level(facts.limitMM, color: Palette.limit, dashed: false)
        svg += depthChart.level(facts.targetDepthMM, color: Palette.target, dashed: true)
        svg += depthChart.trace(samples.map { ($0.timeS, $0.depthMM) }, color: Palette.depth)
        svg += depthChart.legend([
            (Palette.depth, "measured", false), (Palette.target, "target \(mm(facts.targetDepthMM))", true),
            (Palette.band, "tolerance ±\(mm(facts.toleranceMM))", false), (Palette.limit, "\(facts.mode) limit \(mm(facts.limitMM))", false),
        ])

        let rates = samples.map(\.strokeRateHz)
        let rateTop = ReportChart.niceCeiling(max(facts.targetStrokeRateHz ?? 0, rates.max() ?? 0, 10) * 1.15)
        let rateChart = ReportChart(left: 90, top: 680, width: 670, height: 240, maxTimeS: maxTime, maxValue: rateTop)
        svg += "<text x=\"40\" y=\"656\" class=\"chart\">Stroke rate</text>\n"
        svg += rateChart.axes(valueLabel: "stroke rate (Hz)", decimals: 0)
        var rateLegend: [(color: String, label: String, dashed: Bool)] = [(Palette.rate, "measured", false)]
        if let target = facts.targetStrokeRateHz {
            svg += rateChart.level(target, color: Palette.target, dashed: true)
            rateLegend.append((Palette.target, "target \(SVGText.fixed(target, 1)) Hz (speed \(facts.speed))", true))
        }
        svg += rateChart.trace(samples.map { ($0.timeS, $0.strokeRateHz) }, color: Palette.rate)
        svg += rateChart.legend(rateLegend)
        svg += "<text x=\"40\" y=\"\(height - 20)\" class=\"label\">\(samples.count) samples at about 10 Hz · needled</text>\n"
        svg += "</svg>\n"
        return svg
    }

    /// Two columns of label/value lines.
    static func factTable(_ facts: SessionReport.Facts) -> String {
        let cartridge = facts.cartridgeSerial.map { serial in facts.cartridgeLot.map { "\(serial), lot \($0)" } ?? serial } ?? "-"
        let left: [(String, String)] = [
            ("client", facts.client ?? "- (home)"), ("area", facts.area ?? "-"), ("mode", facts.mode),
            ("cartridge", cartridge), ("override", facts.override ? "yes (clinician)" : "no"),
        ]
        let right: [(String, String)] = [
            ("started", facts.startedAt), ("ended", facts.endedAt ?? "open"), ("end reason", facts.endReason ?? "-"),
            ("target", "\(mm(facts.targetDepthMM)), speed \(facts.speed)"),
            ("strokes", "\(facts.strokes) in \(SVGText.fixed(facts.motorOnS, 1)) s motor time"),
        ]
        var svg = "<line x1=\"40\" y1=\"62\" x2=\"760\" y2=\"62\" stroke=\"#999999\"/>\n"
        for (column, rows) in [(40, left), (410, right)] {
            for (index, row) in rows.enumerated() {
                let y = 92 + index * 30
                svg += "<text x=\"\(column)\" y=\"\(y)\" class=\"label\">\(XMLText.escaped(row.0))</text>\n"
                svg += "<text x=\"\(column + 90)\" y=\"\(y)\" class=\"value\">\(XMLText.escaped(row.1))</text>\n"
            }
        }
        svg += "<line x1=\"40\" y1=\"240\" x2=\"760\" y2=\"240\" stroke=\"#999999\"/>\n"
        return svg
    }

    static func mm(_ value: Double) -> String { SVGText.fixed(value, 2) + " mm" }
}
