import XMLText

/// One chart of the report: a frame in page pixels, value ranges, and the SVG of its axes,
/// bands, reference lines and traces. Time runs left to right from 0.
struct ReportChart {
    var left: Double
    var top: Double
    var width: Double
    var height: Double
    var maxTimeS: Double
    var maxValue: Double

    func x(_ timeS: Double) -> Double { left + width * min(max(timeS / maxTimeS, 0), 1) }
    func y(_ value: Double) -> Double { top + height * (1 - min(max(value / maxValue, 0), 1)) }

    /// A step of 1, 2 or 5 × 10^k giving about `count` intervals over `range`.
    static func niceStep(_ range: Double, count: Double = 5) -> Double {
        guard range > 0, range.isFinite else { return 1 }
        let raw = range / count
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        for factor in [1.0, 2, 5, 10] where magnitude * factor >= raw { return magnitude * factor }
        return magnitude * 10
    }

    /// A range end at a whole number of nice steps at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        let step = niceStep(value)
        return (value / step).rounded(.up) * step
    }

    /// Frame, grid lines with their labels, and the axis titles.
    func axes(valueLabel: String, decimals: Int) -> String {
        var svg = "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\" stroke=\"#444444\"/>\n"
        let valueStep = Self.niceStep(maxValue)
        var value = 0.0
        while value <= maxValue + valueStep / 1000 {
            let py = y(value)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py))\" x2=\"\(f(left + width))\" y2=\"\(f(py))\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py + 4))\" text-anchor=\"end\" class=\"tick\">\(SVGText.fixed(value, decimals))</text>\n"
            value += valueStep
        }
        let timeStep = Self.niceStep(maxTimeS, count: 8)
        var time = 0.0
        while time <= maxTimeS + timeStep / 1000 {
            let px = x(time)
            svg += "<line x1=\"\(f(px))\" y1=\"\(f(top))\" x2=\"\(f(px))\" y2=\"\(f(top + height))\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text x=\"\(f(px))\" y=\"\(f(top + height + 16))\" text-anchor=\"middle\" class=\"tick\">\(SVGText.fixed(time, timeStep < 1 ? 1 : 0))</text>\n"
            time += timeStep
        }
        svg += "<text x=\"\(f(left + width / 2))\" y=\"\(f(top + height + 34))\" text-anchor=\"middle\" class=\"axis\">time (s)</text>\n"
        svg += "<text x=\"\(f(left - 52))\" y=\"\(f(top + height / 2))\" text-anchor=\"middle\" class=\"axis\" transform=\"rotate(-90 \(f(left - 52)) \(f(top + height / 2)))\">\(XMLText.escaped(valueLabel))</text>\n"
        return svg
    }

    /// A horizontal band between two values (the tolerance around the target).
    func band(from low: Double, to high: Double, fill: String) -> String {
        let top = y(high)
        return "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width))\" height=\"\(f(y(low) - top))\" fill=\"\(fill)\" fill-opacity=\"0.85\"/>\n"
    }

    /// A horizontal reference line across the chart.
    func level(_ value: Double, color: String, dashed: Bool) -> String {
        let py = y(value)
        let dash = dashed ? " stroke-dasharray=\"6 4\"" : ""
        return "<line x1=\"\(f(left))\" y1=\"\(f(py))\" x2=\"\(f(left + width))\" y2=\"\(f(py))\" stroke=\"\(color)\" stroke-width=\"1.5\"\(dash)/>\n"
    }

    /// The trace as polylines, broken where a value is missing.
    func trace(_ points: [(timeS: Double, value: Double?)], color: String) -> String {
        var svg = ""
        var run: [String] = []
        func flush() {
            if run.count > 1 {
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-linejoin=\"round\" points=\"\(run.joined(separator: " "))\"/>\n"
            }
            run.removeAll(keepingCapacity: true)
        }
        for point in points {
            guard let value = point.value, value.isFinite else { flush(); continue }
            run.append("\(f(x(point.timeS))),\(f(y(value)))")
        }
        flush()
        return svg
    }

    /// Legend entries (colour, label) in a row above the chart's top right.
    func legend(_ entries: [(color: String, label: String, dashed: Bool)]) -> String {
        var svg = ""
        var px = left + width
        for entry in entries.reversed() {
            let textWidth = Double(entry.label.count) * 6.6
            px -= textWidth
            svg += "<text x=\"\(f(px))\" y=\"\(f(top - 8))\" class=\"legend\">\(XMLText.escaped(entry.label))</text>\n"
            px -= 24
            let dash = entry.dashed ? " stroke-dasharray=\"6 4\"" : ""
            svg += "<line x1=\"\(f(px))\" y1=\"\(f(top - 12))\" x2=\"\(f(px + 18))\" y2=\"\(f(top - 12))\" stroke=\"\(entry.color)\" stroke-width=\"3\"\(dash)/>\n"
            px -= 14
        }
        return svg
    }

    private func f(_ value: Double) -> String { SVGText.fixed(value, 1) }
}
