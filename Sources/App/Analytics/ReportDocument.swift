import Foundation
import LvyueCore

/// The report as HTML (issue #7): one renderer for the web page (inside the layout), the printable document and the
/// file `lvyue report quarterly --format html` writes. Every text is escaped here; charts come from `ReportCharts`.
enum ReportDocument {
    /// `actionLink`: the web page offers "create an improvement action from this figure" to those who may.
    static func body(_ r: QuarterlyReport, _ t: Strings, actionLink: ((String) -> String)? = nil) -> String {
        let zh = t.lang == .zhCN
        func label(_ f: QuarterlyReport.Figure) -> String { zh ? f.labelZh : f.labelEn }
        func esc(_ s: String) -> String { ReportCharts.esc(s) }
        func value(_ v: Double?, _ unit: String) -> String {
            guard let v else { return "—" }
            switch unit {
            case "percent": return t.fmt.number(v) + "%"
            case "amount": return Money(minorUnits: Int64((v * 100).rounded())).grouped
            default: return t.fmt.number(v)
            }
        }
        func change(_ f: QuarterlyReport.Figure) -> String {
            guard let c = f.change else { return "—" }
            let sign = c > 0 ? "+" : (c < 0 ? "−" : "±")
            if f.unit == "percent" { return sign + t.fmt.number(abs(c)) + (zh ? " 个百分点" : " pp") }
            return sign + value(abs(c), f.unit)
        }
        var h = ""
        let sections = ["milestones", "escalations", "payments", "service", "satisfaction"]
        for section in sections {
            let figures = r.figures.filter { $0.section == section }
            h += "<section class=\"rpt-section\"><h2>\(esc(t["rpt_section." + section]))</h2>"
            h += "<div class=\"table-wrap\"><table class=\"table rpt-table\"><thead><tr><th>\(esc(t["rpt_figure"]))</th><th class=\"num\">\(esc(t["rpt_value"]))</th>"
            h += "<th class=\"num\">\(esc(t["rpt_previous"]))</th><th class=\"num\">\(esc(t["rpt_change"]))</th><th>\(esc(t["rpt_definition"]))</th></tr></thead><tbody>"
            for f in figures {
                let link = actionLink.map { " <a class=\"rpt-act no-print\" href=\"\(esc($0(f.key)))\" title=\"\(esc(t["rpt_new_action"]))\">＋</a>" } ?? ""
                let ratio = f.denominator.map { d in " <small class=\"muted\">(\(f.numerator ?? 0)/\(d))</small>" } ?? ""
                let trend = (f.change ?? 0) > 0 ? "up" : ((f.change ?? 0) < 0 ? "down" : "flat")
                h += "<tr id=\"fig-\(esc(f.key))\"><td data-label=\"\(esc(t["rpt_figure"]))\">\(esc(label(f)))\(link)</td>"
                h += "<td class=\"num\" data-label=\"\(esc(t["rpt_value"]))\"><strong>\(esc(value(f.value, f.unit)))</strong>\(ratio)</td>"
                h += "<td class=\"num\" data-label=\"\(esc(t["rpt_previous"]))\">\(esc(value(f.previous, f.unit)))</td>"
                h += "<td class=\"num rpt-\(trend)\" data-label=\"\(esc(t["rpt_change"]))\">\(esc(change(f)))</td>"
                h += "<td class=\"rpt-def\" data-label=\"\(esc(t["rpt_definition"]))\">\(esc(zh ? f.definitionZh : f.definitionEn))</td></tr>"
            }
            h += "</tbody></table></div>"
            h += charts(section, r, t)
            h += "</section>"
        }

        // Recurring problems
        h += "<section class=\"rpt-section\"><h2>\(esc(t["rpt_recurring"]))</h2>"
        if r.recurringProblems.isEmpty {
            h += "<p class=\"muted\">\(esc(t["rpt_none"]))</p>"
        } else {
            h += "<div class=\"table-wrap\"><table class=\"table rpt-table\"><thead><tr><th>\(esc(t["rpt_contract"]))</th><th>\(esc(t["rpt_cause"]))</th>"
            h += "<th class=\"num\">\(esc(t["rpt_value"]))</th><th class=\"num\">\(esc(t["rpt_previous"]))</th></tr></thead><tbody>"
            for p in r.recurringProblems {
                h += "<tr><td data-label=\"\(esc(t["rpt_contract"]))\">\(esc(p.contractNumber)) \(esc(p.contractTitle))</td>"
                h += "<td data-label=\"\(esc(t["rpt_cause"]))\">\(esc(t["rpt_recurring_kind." + p.kind]))：\(esc(zh ? p.labelZh : p.labelEn))</td>"
                h += "<td class=\"num\" data-label=\"\(esc(t["rpt_value"]))\">\(p.count)</td><td class=\"num\" data-label=\"\(esc(t["rpt_previous"]))\">\(p.previous)</td></tr>"
            }
            h += "</tbody></table></div>"
        }
        h += note(r, "recurring_problems", zh) + "</section>"

        // Trend
        h += "<section class=\"rpt-section\"><h2>\(esc(t["rpt_trend"]))</h2><div class=\"rpt-chart\">"
        h += ReportCharts.trend(quarters: r.trend.map(\.quarter), series: [
            .init(label: t["rpt_trend_on_time"], cssClass: "rc-s1", values: r.trend.map(\.milestoneOnTimeRate)),
            .init(label: t["rpt_trend_resolution"], cssClass: "rc-s2", values: r.trend.map(\.escalationResolutionRate)),
            .init(label: t["rpt_trend_clock"], cssClass: "rc-s3", values: r.trend.map(\.clockCompliance)),
        ], max: 100, unit: "%", title: t["rpt_trend"])
        h += "</div><div class=\"rpt-chart\">"
        h += ReportCharts.trend(quarters: r.trend.map(\.quarter), series: [
            .init(label: t["rpt_trend_satisfaction"], cssClass: "rc-s4", values: r.trend.map(\.satisfactionOverall)),
        ], max: 5, unit: "", title: t["rpt_trend_satisfaction"])
        h += "</div>" + note(r, "trend", zh) + "</section>"

        // Improvement actions
        h += "<section class=\"rpt-section\"><h2>\(esc(t["rpt_actions"]))</h2>"
        if r.actions.isEmpty {
            h += "<p class=\"muted\">\(esc(t["rpt_none"]))</p>"
        } else {
            h += "<div class=\"table-wrap\"><table class=\"table rpt-table\"><thead><tr><th>\(esc(t["ia_quarter"]))</th><th>\(esc(t["ia_finding"]))</th>"
            h += "<th>\(esc(t["ia_measure"]))</th><th>\(esc(t["ia_department"]))</th><th>\(esc(t["ia_due"]))</th><th>\(esc(t["ia_status"]))</th>"
            h += "<th class=\"num\">\(esc(t["rpt_then"]))</th><th class=\"num\">\(esc(t["rpt_now"]))</th><th>\(esc(t["ia_review"]))</th></tr></thead><tbody>"
            for a in r.actions {
                let unit = a.figureKey.flatMap { k in r.figures.first { $0.key == k }?.unit } ?? ""
                h += "<tr><td data-label=\"\(esc(t["ia_quarter"]))\">\(esc(a.quarter))</td><td data-label=\"\(esc(t["ia_finding"]))\">\(esc(a.finding))</td>"
                h += "<td data-label=\"\(esc(t["ia_measure"]))\">\(esc(a.measure))</td>"
                h += "<td data-label=\"\(esc(t["ia_department"]))\">\(esc(a.ownerDepartment))\(a.ownerName.map { " · " + esc($0) } ?? "")</td>"
                h += "<td data-label=\"\(esc(t["ia_due"]))\">\(esc(a.dueOn))\(a.overdue ? " <span class=\"late-text\">\(esc(t["ia_overdue"]))</span>" : "")</td>"
                h += "<td data-label=\"\(esc(t["ia_status"]))\"><span class=\"badge ia-\(esc(a.status.rawValue))\">\(esc(t["ia_status." + a.status.rawValue]))</span></td>"
                h += "<td class=\"num\" data-label=\"\(esc(t["rpt_then"]))\">\(esc(value(a.figureThen, unit)))</td>"
                h += "<td class=\"num\" data-label=\"\(esc(t["rpt_now"]))\">\(esc(value(a.figureNow, unit)))</td>"
                h += "<td data-label=\"\(esc(t["ia_review"]))\">\(esc(a.effectReview ?? "—"))</td></tr>"
            }
            h += "</tbody></table></div>"
        }
        h += note(r, "actions", zh) + "</section>"
        h += "<section class=\"rpt-section\"><h2>\(esc(t["rpt_notes"]))</h2>" + note(r, "scope", zh) + "</section>"
        return h
    }

    private static func note(_ r: QuarterlyReport, _ key: String, _ zh: Bool) -> String {
        guard let n = r.notes.first(where: { $0.key == key }) else { return "" }
        return "<p class=\"rpt-note\">\(ReportCharts.esc(zh ? n.zh : n.en))</p>"
    }

    private static func charts(_ section: String, _ r: QuarterlyReport, _ t: Strings) -> String {
        let zh = t.lang == .zhCN
        func bar(_ key: String) -> ReportCharts.Bar? {
            r.figure(key).map { ReportCharts.Bar(label: zh ? $0.labelZh : $0.labelEn, value: $0.value, previous: $0.previous) }
        }
        let cur = r.quarter, prev = r.previousQuarter
        switch section {
        case "milestones":
            let pareto = ReportCharts.pareto(r.delayCauses.map { .init(label: zh ? $0.labelZh : $0.labelEn, count: $0.count, cumulative: $0.cumulativeShare) },
                                             title: t["rpt_delay_causes"], emptyText: t["rpt_none"])
            var rows = ""
            for c in r.delayCauses {
                rows += "<tr><td>\(ReportCharts.esc(zh ? c.labelZh : c.labelEn))</td><td class=\"num\">\(c.count)</td><td class=\"num\">\(ReportCharts.fmt(c.share))%</td>"
                rows += "<td class=\"num\">\(ReportCharts.fmt(c.cumulativeShare))%</td><td class=\"num\">\(c.previousCount)</td></tr>"
            }
            let table = r.delayCauses.isEmpty ? "" : "<div class=\"table-wrap\"><table class=\"table rpt-table rpt-compact\"><thead><tr><th>\(ReportCharts.esc(t["rpt_cause"]))</th>"
                + "<th class=\"num\">\(ReportCharts.esc(t["rpt_count"]))</th><th class=\"num\">\(ReportCharts.esc(t["rpt_share"]))</th>"
                + "<th class=\"num\">\(ReportCharts.esc(t["rpt_cumulative"]))</th><th class=\"num\">\(ReportCharts.esc(t["rpt_previous"]))</th></tr></thead><tbody>\(rows)</tbody></table></div>"
            let rates = ReportCharts.bars(["milestones.on_time_rate", "milestones.delay_rate"].compactMap(bar), max: 100, unit: "%",
                                          title: t["rpt_section.milestones"], previousLabel: prev, currentLabel: cur)
            return "<div class=\"rpt-chart\">\(rates)</div><h3>\(ReportCharts.esc(t["rpt_delay_causes"]))</h3><div class=\"rpt-chart\">\(pareto)</div>\(table)"
                + note(r, "delay_causes", zh)
        case "escalations":
            return "<div class=\"rpt-chart\">" + ReportCharts.bars(["escalations.raised_on_time_rate", "escalations.resolution_rate", "escalations.resolved_on_time_rate"].compactMap(bar),
                                                                 max: 100, unit: "%", title: t["rpt_section.escalations"], previousLabel: prev, currentLabel: cur) + "</div>"
        case "service":
            let clockKeys = QuarterlyReportService.requestClocks.map { "service.clock." + $0 } + ["service.follow_up_compliance", "service.objection_compliance"]
            let clocks = ReportCharts.bars(clockKeys.compactMap(bar), max: 100, unit: "%", title: t["rpt_clocks"], previousLabel: prev, currentLabel: cur)
            let types = r.requestBreakdown.filter { $0.dimension == "type" }
            let typeBars = ReportCharts.bars(types.map { .init(label: zh ? $0.labelZh : $0.labelEn, value: Double($0.count), previous: Double($0.previous)) },
                                             max: Double(max(1, types.map { max($0.count, $0.previous) }.max() ?? 1)), unit: "",
                                             title: t["rpt_dimension.type"], previousLabel: prev, currentLabel: cur)
            var breakdown = "<div class=\"table-wrap\"><table class=\"table rpt-table rpt-compact\"><thead><tr><th><span class=\"vh\">\(ReportCharts.esc(t["list_col_dimension"]))</span></th>"
                + "<th><span class=\"vh\">\(ReportCharts.esc(t["list_col_item"]))</span></th><th class=\"num\">\(ReportCharts.esc(cur))</th>"
                + "<th class=\"num\">\(ReportCharts.esc(prev))</th></tr></thead><tbody>"
            for b in r.requestBreakdown where b.count > 0 || b.previous > 0 {
                breakdown += "<tr><td>\(ReportCharts.esc(t["rpt_dimension." + b.dimension]))</td><td>\(ReportCharts.esc(zh ? b.labelZh : b.labelEn))</td>"
                    + "<td class=\"num\">\(b.count)</td><td class=\"num\">\(b.previous)</td></tr>"
            }
            breakdown += "</tbody></table></div>"
            return "<h3>\(ReportCharts.esc(t["rpt_clocks"]))</h3><div class=\"rpt-chart\">\(clocks)</div><h3>\(ReportCharts.esc(t["rpt_breakdown"]))</h3>"
                + "<div class=\"rpt-chart\">\(typeBars)</div>\(breakdown)" + note(r, "request_breakdown", zh)
        case "satisfaction":
            let dims = ReportCharts.bars(ReportQueries.dimensions.compactMap { bar("satisfaction." + $0) } + [bar("satisfaction.overall")].compactMap { $0 },
                                         max: 5, unit: "", title: t["rpt_satisfaction"], previousLabel: prev, currentLabel: cur)
            var dist = "<div class=\"table-wrap\"><table class=\"table rpt-table rpt-compact\"><thead><tr><th>\(ReportCharts.esc(t["rpt_distribution"]))</th>"
                + (1...5).map { "<th class=\"num\">\($0)</th>" }.joined() + "</tr></thead><tbody>"
            for d in r.satisfactionDistribution {
                let name = r.figure("satisfaction." + d.dimension).map { zh ? $0.labelZh : $0.labelEn } ?? d.dimension
                dist += "<tr><td>\(ReportCharts.esc(name))</td>" + d.counts.map { "<td class=\"num\">\($0)</td>" }.joined() + "</tr>"
            }
            dist += "</tbody></table></div>"
            return "<h3>\(ReportCharts.esc(t["rpt_satisfaction"]))</h3><div class=\"rpt-chart\">\(dims)</div>\(dist)" + note(r, "satisfaction_distribution", zh)
        default:
            return ""
        }
    }

    /// The header lines: quarter, period, filters, as-of, frozen or live.
    static func header(_ r: QuarterlyReport, _ t: Strings, filterText: String) -> String {
        func esc(_ s: String) -> String { ReportCharts.esc(s) }
        var h = "<dl class=\"rpt-meta\"><div><dt>\(esc(t["rpt_period"]))</dt><dd>\(esc(r.periodStart)) — \(esc(r.periodEnd)) (\(esc(r.timezone)))</dd></div>"
        h += "<div><dt>\(esc(t["rpt_filters"]))</dt><dd>\(esc(filterText))</dd></div>"
        h += "<div><dt>\(esc(t["rpt_as_of"]))</dt><dd>\(esc(r.asOf))</dd></div>"
        h += "<div><dt>\(esc(t["rpt_generated"]))</dt><dd>\(esc(t.time(r.generatedAt)))</dd></div>"
        if let s = r.snapshot {
            h += "<div><dt>\(esc(t["rpt_frozen"]))</dt><dd><span class=\"badge rpt-frozen\">\(esc(t["rpt_frozen"]))</span> \(esc(t.time(s.frozenAt))) · \(esc(s.frozenBy))</dd></div>"
        } else {
            h += "<div><dt>\(esc(t["rpt_frozen"]))</dt><dd>\(esc(t["rpt_live"]))</dd></div>"
        }
        return h + "</dl>"
    }

    /// A whole HTML document: the printable page (`stylesheet` links the CSS) or a standalone file (`inlineCSS`).
    static func document(_ r: QuarterlyReport, _ t: Strings, filterText: String, stylesheets: [String] = [], inlineCSS: String? = nil) -> String {
        let title = "\(t["rpt_title"]) \(r.quarter)"
        var h = "<!doctype html><html lang=\"\(t.lang.rawValue)\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        h += "<title>\(ReportCharts.esc(title))</title>"
        for s in stylesheets { h += "<link rel=\"stylesheet\" href=\"\(ReportCharts.esc(s))\">" }
        // the site's icon, as every page has (without it the browser asks for /favicon.ico and gets a 404)
        if !stylesheets.isEmpty { h += "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">" }
        if let inlineCSS { h += "<style>\n\(inlineCSS)\n</style>" }
        h += "</head><body class=\"rpt-print\"><main class=\"rpt-doc\"><h1>\(ReportCharts.esc(title))</h1>"
        h += header(r, t, filterText: filterText) + body(r, t) + "</main></body></html>"
        return h
    }
}
