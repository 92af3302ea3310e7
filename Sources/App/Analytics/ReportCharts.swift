import Foundation

/// The report's charts as server-rendered SVG (issue #7): bars, a Pareto chart with its cumulative line, a trend over
/// quarters, and the four satisfaction dimensions. Geometry is in attributes and colours in classes (`report.css`,
/// inlined into files written by the CLI): the CSP forbids inline styles. Null values draw nothing and read "—".
enum ReportCharts {
    struct Bar: Sendable {
        var label: String
        var value: Double?
        var previous: Double?
    }

    static func fmt(_ v: Double?, unit: String = "") -> String {
        guard let v else { return "—" }
        let s = v == v.rounded() && abs(v) < 1e12 ? String(Int(v)) : String(format: "%.2f", v).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
        return s + unit
    }

    /// Horizontal bars, this quarter (solid) over the previous quarter (light), on a 0…`max` scale.
    static func bars(_ bars: [Bar], max: Double, unit: String, title: String, previousLabel: String, currentLabel: String) -> String {
        let labelWidth = 200, chartWidth = 380, row = 34, top = 30
        let width = labelWidth + chartWidth + 70, height = top + Swift.max(1, bars.count) * row + 8
        func w(_ v: Double) -> Int { Int((Swift.min(Swift.max(v, 0), max) / max * Double(chartWidth)).rounded()) }
        var s = open(width, height, title)
        s += legend(x: labelWidth, y: 14, [("rc-cur", currentLabel), ("rc-prev", previousLabel)])
        for (i, b) in bars.enumerated() {
            let y = top + i * row
            s += "<text class=\"rc-label\" x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\">\(esc(String(b.label.prefix(18))))</text>"
            if let v = b.value {
                s += "<rect class=\"rc-cur\" x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(Swift.max(1, w(v)))\" height=\"14\"><title>\(esc(b.label)): \(fmt(v, unit: unit))</title></rect>"
            }
            if let p = b.previous {
                s += "<rect class=\"rc-prev\" x=\"\(labelWidth)\" y=\"\(y + 19)\" width=\"\(Swift.max(1, w(p)))\" height=\"7\"><title>\(esc(previousLabel)): \(fmt(p, unit: unit))</title></rect>"
            }
            s += "<text class=\"rc-value\" x=\"\(labelWidth + (b.value.map(w) ?? 0) + 6)\" y=\"\(y + 15)\">\(fmt(b.value, unit: unit))</text>"
        }
        return s + "</svg>"
    }

    struct ParetoBar: Sendable {
        var label: String
        var count: Int
        var cumulative: Double
    }

    /// Counts as vertical bars, most frequent first, with the cumulative share as a line on a 0–100 % right axis.
    static func pareto(_ items: [ParetoBar], title: String, emptyText: String) -> String {
        let left = 40, right = 46, top = 20, chartHeight = 200, bottom = 64
        let slot = 70
        let width = left + Swift.max(1, items.count) * slot + right, height = top + chartHeight + bottom
        var s = open(width, height, title)
        guard let maxCount = items.map(\.count).max(), maxCount > 0 else {
            return s + "<text class=\"rc-label\" x=\"\(left)\" y=\"\(top + 20)\">\(esc(emptyText))</text></svg>"
        }
        let base = top + chartHeight
        func y(count: Int) -> Int { base - Int(Double(count) / Double(maxCount) * Double(chartHeight)) }
        func y(percent: Double) -> Int { base - Int(percent / 100 * Double(chartHeight)) }
        let chartRight = left + items.count * slot
        s += "<line class=\"rc-axis\" x1=\"\(left)\" y1=\"\(base)\" x2=\"\(chartRight)\" y2=\"\(base)\"/>"
        s += "<line class=\"rc-axis\" x1=\"\(chartRight)\" y1=\"\(top)\" x2=\"\(chartRight)\" y2=\"\(base)\"/>"
        for p in [0, 50, 80, 100] {
            s += "<text class=\"rc-tick\" x=\"\(chartRight + 4)\" y=\"\(y(percent: Double(p)) + 4)\">\(p)%</text>"
        }
        s += "<line class=\"rc-80\" x1=\"\(left)\" y1=\"\(y(percent: 80))\" x2=\"\(chartRight)\" y2=\"\(y(percent: 80))\"/>"
        var points: [String] = []
        for (i, item) in items.enumerated() {
            let x = left + i * slot + 10, barWidth = slot - 20
            let top = y(count: item.count)
            s += "<rect class=\"rc-cur\" x=\"\(x)\" y=\"\(top)\" width=\"\(barWidth)\" height=\"\(base - top)\"><title>\(esc(item.label)): \(item.count)</title></rect>"
            s += "<text class=\"rc-value\" x=\"\(x + barWidth / 2)\" y=\"\(top - 4)\" text-anchor=\"middle\">\(item.count)</text>"
            s += "<text class=\"rc-label\" x=\"\(x + barWidth / 2)\" y=\"\(base + 16)\" text-anchor=\"middle\">\(esc(String(item.label.prefix(6))))</text>"
            let cx = x + barWidth / 2, cy = y(percent: item.cumulative)
            points.append("\(cx),\(cy)")
            s += "<circle class=\"rc-line-dot\" cx=\"\(cx)\" cy=\"\(cy)\" r=\"4\"><title>\(fmt(item.cumulative, unit: "%"))</title></circle>"
            s += "<text class=\"rc-tick\" x=\"\(cx)\" y=\"\(base + 32)\" text-anchor=\"middle\">\(fmt(item.cumulative, unit: "%"))</text>"
        }
        s += "<polyline class=\"rc-line\" points=\"\(points.joined(separator: " "))\"/>"
        return s + "</svg>"
    }

    struct Series: Sendable {
        var label: String
        var cssClass: String
        var values: [Double?]
    }

    /// Lines over quarters on a 0…`max` scale; a missing value breaks the line.
    static func trend(quarters: [String], series: [Series], max: Double, unit: String, title: String) -> String {
        let left = 44, top = 34, chartWidth = 480, chartHeight = 180, bottom = 30
        let width = left + chartWidth + 40, height = top + chartHeight + bottom
        var s = open(width, height, title)
        s += legend(x: left, y: 14, series.map { ($0.cssClass, $0.label) })
        let base = top + chartHeight
        func x(_ i: Int) -> Int { left + (quarters.count <= 1 ? chartWidth / 2 : i * chartWidth / (quarters.count - 1)) }
        func y(_ v: Double) -> Int { base - Int(Swift.min(Swift.max(v, 0), max) / max * Double(chartHeight)) }
        for step in 0...4 {
            let v = max * Double(step) / 4
            s += "<line class=\"rc-grid\" x1=\"\(left)\" y1=\"\(y(v))\" x2=\"\(left + chartWidth)\" y2=\"\(y(v))\"/>"
            s += "<text class=\"rc-tick\" x=\"\(left - 6)\" y=\"\(y(v) + 4)\" text-anchor=\"end\">\(fmt(v))\(unit)</text>"
        }
        for (i, q) in quarters.enumerated() {
            s += "<text class=\"rc-label\" x=\"\(x(i))\" y=\"\(base + 20)\" text-anchor=\"middle\">\(esc(q))</text>"
        }
        for line in series {
            var segment: [String] = []
            func flush() {
                if segment.count > 1 { s += "<polyline class=\"rc-series \(line.cssClass)\" points=\"\(segment.joined(separator: " "))\"/>" }
                segment = []
            }
            for (i, v) in line.values.enumerated() {
                guard let v else { flush(); continue }
                segment.append("\(x(i)),\(y(v))")
                s += "<circle class=\"rc-dot \(line.cssClass)\" cx=\"\(x(i))\" cy=\"\(y(v))\" r=\"4\"><title>\(esc(line.label)) \(esc(quarters[i])): \(fmt(v, unit: unit))</title></circle>"
            }
            flush()
        }
        return s + "</svg>"
    }

    static func open(_ width: Int, _ height: Int, _ title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"report-chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(esc(title))\"><title>\(esc(title))</title>"
    }

    static func legend(x: Int, y: Int, _ items: [(String, String)]) -> String {
        var s = "", offset = x
        for (cls, label) in items {
            s += "<rect class=\"\(cls)\" x=\"\(offset)\" y=\"\(y - 9)\" width=\"12\" height=\"10\"/>"
            s += "<text class=\"rc-legend\" x=\"\(offset + 16)\" y=\"\(y)\">\(esc(label))</text>"
            offset += 30 + label.count * 12
        }
        return s
    }

    static func esc(_ s: String) -> String { TimelineSVG.esc(s) }
}
