import Foundation
import LvyueCore
import Vapor

/// The quarterly report as an XLSX workbook (issue #7): one sheet of figures (value, previous, change, definition —
/// numbers as numbers, a missing rate as an empty cell), then the Pareto of delay causes, the request breakdown, the
/// satisfaction distribution, recurring problems, the trend and the improvement actions.
enum ReportWorkbook {
    static func workbook(_ r: QuarterlyReport, _ t: Strings) -> XlsxWorkbook {
        let zh = t.lang == .zhCN
        func num(_ v: Double?) -> XlsxCell { v.map { .number($0) } ?? .empty }
        func col(_ key: String, _ width: Double) -> XlsxColumn { XlsxColumn(header: t[key], width: width) }
        let figures = XlsxSheet(
            name: zh ? "指标" : "Figures",
            columns: [XlsxColumn(header: zh ? "分类" : "Section", width: 12), col("rpt_figure", 28),
                      XlsxColumn(header: zh ? "键" : "Key", width: 34), XlsxColumn(header: zh ? "单位" : "Unit", width: 9),
                      XlsxColumn(header: r.quarter, width: 12), XlsxColumn(header: r.previousQuarter, width: 12), col("rpt_change", 10),
                      XlsxColumn(header: zh ? "分子" : "Numerator", width: 10), XlsxColumn(header: zh ? "分母" : "Denominator", width: 10),
                      col("rpt_definition", 80)],
            rows: r.figures.map { f in
                [.text(t["rpt_section." + f.section]), .text(zh ? f.labelZh : f.labelEn), .text(f.key), .text(f.unit), num(f.value), num(f.previous),
                 num(f.change), f.numerator.map { .integer($0) } ?? .empty, f.denominator.map { .integer($0) } ?? .empty,
                 .text(zh ? f.definitionZh : f.definitionEn)]
            })
        let pareto = XlsxSheet(
            name: zh ? "延迟原因" : "Delay causes",
            columns: [col("rpt_cause", 18), col("rpt_count", 10), XlsxColumn(header: t["rpt_share"] + " %", width: 10),
                      XlsxColumn(header: t["rpt_cumulative"] + " %", width: 12), XlsxColumn(header: r.previousQuarter, width: 12)],
            rows: r.delayCauses.map { [.text(zh ? $0.labelZh : $0.labelEn), .integer($0.count), .number($0.share), .number($0.cumulativeShare),
                                       .integer($0.previousCount)] })
        let breakdown = XlsxSheet(
            name: zh ? "服务需求分布" : "Requests",
            columns: [XlsxColumn(header: zh ? "维度" : "Dimension", width: 12), XlsxColumn(header: zh ? "项目" : "Item", width: 16),
                      XlsxColumn(header: r.quarter, width: 10), XlsxColumn(header: r.previousQuarter, width: 10), col("rpt_change", 10)],
            rows: r.requestBreakdown.map { [.text(t["rpt_dimension." + $0.dimension]), .text(zh ? $0.labelZh : $0.labelEn), .integer($0.count),
                                            .integer($0.previous), .integer($0.change)] })
        let distribution = XlsxSheet(
            name: zh ? "评分分布" : "Ratings",
            columns: [col("rpt_distribution", 18)] + (1...5).map { XlsxColumn(header: "\($0)", width: 8) },
            rows: r.satisfactionDistribution.map { d in
                [.text(r.figure("satisfaction." + d.dimension).map { zh ? $0.labelZh : $0.labelEn } ?? d.dimension)] + d.counts.map { .integer($0) }
            })
        let recurring = XlsxSheet(
            name: zh ? "高频问题" : "Recurring",
            columns: [XlsxColumn(header: zh ? "合同编号" : "Contract no.", width: 16), XlsxColumn(header: zh ? "合同名称" : "Contract", width: 28),
                      XlsxColumn(header: zh ? "类别" : "Kind", width: 12), col("rpt_cause", 16), XlsxColumn(header: r.quarter, width: 10),
                      XlsxColumn(header: r.previousQuarter, width: 10)],
            rows: r.recurringProblems.map { [.text($0.contractNumber), .text($0.contractTitle), .text(t["rpt_recurring_kind." + $0.kind]),
                                             .text(zh ? $0.labelZh : $0.labelEn), .integer($0.count), .integer($0.previous)] })
        let trend = XlsxSheet(
            name: zh ? "趋势" : "Trend",
            columns: [col("rpt_quarter", 10), XlsxColumn(header: t["rpt_trend_on_time"] + " %", width: 16),
                      XlsxColumn(header: t["rpt_trend_resolution"] + " %", width: 16), XlsxColumn(header: t["rpt_trend_clock"] + " %", width: 16),
                      col("rpt_trend_satisfaction", 14), XlsxColumn(header: t["rpt_fig.service.requests"], width: 12)],
            rows: r.trend.map { [.text($0.quarter), num($0.milestoneOnTimeRate), num($0.escalationResolutionRate), num($0.clockCompliance),
                                 num($0.satisfactionOverall), .integer($0.serviceRequests)] })
        let actions = XlsxSheet(
            name: zh ? "改进措施" : "Actions",
            columns: [col("ia_quarter", 10), col("ia_figure", 24), col("ia_finding", 36), col("ia_measure", 36), col("ia_department", 12),
                      col("ia_owner", 10), col("ia_due", 12), col("ia_status", 12), col("rpt_then", 10), col("rpt_now", 10), col("ia_review", 30)],
            rows: r.actions.map { a in
                [.text(a.quarter), .text(a.figureKey.flatMap { k in r.figure(k).map { zh ? $0.labelZh : $0.labelEn } } ?? ""), .text(a.finding),
                 .text(a.measure), .text(a.ownerDepartment), .text(a.ownerName ?? ""), LocalDate(iso: a.dueOn).map { .date($0) } ?? .text(a.dueOn),
                 .text(t["ia_status." + a.status.rawValue]), num(a.figureThen), num(a.figureNow), .text(a.effectReview ?? "")]
            })
        return XlsxWorkbook(sheets: [figures, pareto, breakdown, distribution, recurring, trend, actions])
    }

    static func filename(_ r: QuarterlyReport) -> String { "lvyue-report-\(r.quarter).xlsx" }

    static func response(_ r: QuarterlyReport, _ t: Strings) throws -> Response {
        let data = try workbook(r, t).data()
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename(r))\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
