import Foundation
import LvyueCore

/// The contract timeline as server-rendered SVG: per milestone its planned date (a diamond) and its actual span —
/// green when finished on time, red when late (to the actual date, or to today while open) — with a line for today.
/// Geometry is in attributes and colours in classes (`monitoring.css`): the CSP forbids inline styles.
enum TimelineSVG {
    struct Row: Sendable {
        var name: String
        var planned: LocalDate
        var actual: LocalDate?
        var start: LocalDate?
    }

    static func render(_ rows: [Row], today: LocalDate, title: String) -> String {
        let rowHeight = 34, labelWidth = 190, chartWidth = 560, top = 28
        let height = top + max(1, rows.count) * rowHeight + 10
        let width = labelWidth + chartWidth + 20
        var dates = rows.flatMap { [$0.planned] + [$0.actual, $0.start].compactMap { $0 } } + [today]
        if dates.isEmpty { dates = [today] }
        let first = dates.min()!.adding(days: -3), last = dates.max()!.adding(days: 3)
        let span = max(1, first.days(to: last))
        func x(_ d: LocalDate) -> Int { labelWidth + Int(Double(first.days(to: d)) / Double(span) * Double(chartWidth)) }

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline-svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(esc(title))\">"
        s += "<title>\(esc(title))</title>"
        s += "<text class=\"tl-axis\" x=\"\(labelWidth)\" y=\"16\">\(first)</text>"
        s += "<text class=\"tl-axis\" x=\"\(labelWidth + chartWidth)\" y=\"16\" text-anchor=\"end\">\(last)</text>"
        for (i, r) in rows.enumerated() {
            let y = top + i * rowHeight
            let mid = y + rowHeight / 2
            s += "<line class=\"tl-grid\" x1=\"\(labelWidth)\" y1=\"\(mid)\" x2=\"\(labelWidth + chartWidth)\" y2=\"\(mid)\"/>"
            s += "<text class=\"tl-label\" x=\"\(labelWidth - 8)\" y=\"\(mid + 4)\" text-anchor=\"end\">\(esc(String(r.name.prefix(16))))</text>"
            let delay = Fulfilment.delayDays(planned: r.planned, actual: r.actual, today: today)
            let end = r.actual ?? (today > r.planned ? today : nil)
            if let end {
                let from = min(x(r.start ?? r.planned), x(r.planned))
                let cls = r.actual == nil ? "tl-actual tl-late tl-open" : (delay > 0 ? "tl-actual tl-late" : "tl-actual tl-ontime")
                let x0 = min(from, x(end)), w = max(4, abs(x(end) - from))
                s += "<rect class=\"\(cls)\" x=\"\(x0)\" y=\"\(mid - 6)\" width=\"\(w)\" height=\"12\" rx=\"3\"><title>\(esc(r.name)): \(r.planned) → \(r.actual.map(\.description) ?? "…")\(delay > 0 ? " (+\(delay))" : "")</title></rect>"
            }
            let px = x(r.planned)
            s += "<path class=\"tl-planned\" d=\"M\(px) \(mid - 8) L\(px + 7) \(mid) L\(px) \(mid + 8) L\(px - 7) \(mid) Z\"><title>\(esc(r.name)): \(r.planned)</title></path>"
            if delay > 0 {
                s += "<text class=\"tl-delay\" x=\"\(min(labelWidth + chartWidth, x(end ?? r.planned) + 6))\" y=\"\(mid + 4)\">+\(delay)</text>"
            }
        }
        let tx = x(today)
        s += "<line class=\"tl-today\" x1=\"\(tx)\" y1=\"\(top - 6)\" x2=\"\(tx)\" y2=\"\(height - 6)\"/>"
        s += "<text class=\"tl-axis tl-today-label\" x=\"\(tx)\" y=\"\(top - 10)\" text-anchor=\"middle\">\(today)</text>"
        return s + "</svg>"
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
