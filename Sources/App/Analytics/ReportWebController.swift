import Fluent
import LvyueCore
import Vapor

/// The report page with its SVG charts, the printable document, the XLSX download, freezing, and the improvement
/// actions' list and forms (issue #7).
struct ReportWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(ReportSitePaths.report, use: report)
        routes.get(ReportSitePaths.print, use: printable)
        routes.get(ReportSitePaths.xlsx, use: xlsx)
        routes.post(ReportSitePaths.freeze, use: freeze)
        routes.post(ReportSitePaths.unfreeze, use: unfreeze)
        routes.get(ReportSitePaths.actions, use: actions)
        routes.get(ReportSitePaths.actionNew, use: newAction)
        routes.post(ReportSitePaths.actions, use: createAction)
        routes.get(ReportSitePaths.actionEdit, use: editAction)
        routes.post(ReportSitePaths.action, use: updateAction)
    }

    /// The last closed quarter: what the quality manager reviews.
    static func defaultQuarter(_ now: Date) -> Quarter {
        Quarter(containing: LocalDate(date: now, in: JSONCoding.displayTimeZone)).previous
    }

    struct ReportPage: Encodable, Sendable {
        var quarter: String
        var quarters: [OptionView]
        var customers: [OptionView]
        var departments: [OptionView]
        var categories: [OptionView]
        var header: String
        var body: String
        var printURL: String
        var xlsxURL: String
        var canFreeze: Bool
        var canRefreeze: Bool
        var frozen: Bool
        var closed: Bool
        var customerId: String
        var departmentId: String
        var category: String
    }

    static func filterText(_ f: QuarterlyReport.Filters, _ t: Strings, on db: any Database) async throws -> String {
        var parts: [String] = []
        if let c = f.customerId { parts.append(t["rpt_customer"] + "：" + (try await Customer.find(c, on: db)?.name ?? c.uuidString)) }
        if let d = f.departmentId { parts.append(t["rpt_department"] + "：" + (try await Department.find(d, on: db)?.name ?? d.uuidString)) }
        if let c = f.category { parts.append(t["rpt_category"] + "：" + t.label("contract_category", c)) }
        return parts.isEmpty ? t["rpt_filter_none"] : parts.joined(separator: "；")
    }

    static func query(_ p: ReportParams) -> String {
        var items = [URLQueryItem(name: "quarter", value: p.quarter.description)]
        if let c = p.filters.customerId { items.append(.init(name: "customer_id", value: c.formValue)) }
        if let d = p.filters.departmentId { items.append(.init(name: "department_id", value: d.formValue)) }
        if let c = p.filters.category { items.append(.init(name: "category", value: c.rawValue)) }
        var c = URLComponents()
        c.queryItems = items
        return c.percentEncodedQuery ?? ""
    }

    @Sendable func report(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .report)
        if (req.query[String.self, at: "quarter"] ?? "").isEmpty {
            return req.redirect(to: ReportSitePaths.report.path + "?quarter=" + Self.defaultQuarter(req.now).description)
        }
        let p = try ReportParams(query: req)
        let t = req.strings
        let r = try await QuarterlyReportService.report(p.quarter, filters: p.filters, on: req.db, now: req.now)
        let role = try req.user.role
        let canAct = Permissions.allows(role, .create, .improvementAction)
        let quarterText = p.quarter.description
        let body = ReportDocument.body(r, t, actionLink: canAct ? { key in
            ReportSitePaths.actionNew.path + "?quarter=\(quarterText)&figure_key=\(key)"
        } : nil)
        let lookups = try await Lookups.load(on: req.db, users: false)
        let current = Quarter(containing: LocalDate(date: req.now, in: JSONCoding.displayTimeZone))
        let quarters = Set((0..<8).map { current.adding(-$0) } + [p.quarter]).sorted(by: >)
        let page = ReportPage(
            quarter: quarterText,
            quarters: quarters.map { OptionView(value: $0.description, label: $0.description, selected: $0 == p.quarter) },
            customers: [OptionView(value: "", label: t["rpt_all"], selected: p.filters.customerId == nil)]
                + lookups.customers.map { OptionView(value: $0.id.formValue, label: $0.name, selected: $0.id == p.filters.customerId) },
            departments: [OptionView(value: "", label: t["rpt_all"], selected: p.filters.departmentId == nil)]
                + lookups.departments.map { OptionView(value: $0.id.formValue, label: $0.name, selected: $0.id == p.filters.departmentId) },
            categories: t.options("contract_category", ContractCategory.self, selected: p.filters.category?.rawValue, blank: t["rpt_all"]),
            header: ReportDocument.header(r, t, filterText: try await Self.filterText(p.filters, t, on: req.db)), body: body,
            printURL: ReportSitePaths.print.path + "?" + Self.query(p), xlsxURL: "/jobs/new?kind=quarterly_report&" + Self.query(p),  // issue #8: a job
            canFreeze: Permissions.allows(role, .create, .report), canRefreeze: Permissions.allows(role, .update, .report) && Permissions.allows(role, .delete, .report),
            frozen: r.frozen, closed: p.quarter.end(in: JSONCoding.displayTimeZone) <= req.now,
            customerId: p.filters.customerId?.formValue ?? "", departmentId: p.filters.departmentId?.formValue ?? "",
            category: p.filters.category?.rawValue ?? "")
        return try await WebView.render(req, "reports/quarterly", title: "\(t["rpt_title"]) \(quarterText)", page)
    }

    @Sendable func printable(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .report)
        let p = try ReportParams(query: req)
        let t = req.strings
        let r = try await QuarterlyReportService.report(p.quarter, filters: p.filters, on: req.db, now: req.now)
        let html = ReportDocument.document(r, t, filterText: try await Self.filterText(p.filters, t, on: req.db), stylesheets: ["/css/report.css"])
        let response = Response(status: .ok, body: .init(string: html))
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable func xlsx(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .report)
        let p = try ReportParams(query: req)
        let r = try await QuarterlyReportService.report(p.quarter, filters: p.filters, on: req.db, now: req.now)
        return try ReportWorkbook.response(r, req.strings)
    }

    private func snapshotParams(_ req: Request) throws -> (ReportParams, FormBody) {
        let body = FormBody(req)
        return (try ReportParams(quarter: body.string("quarter"), customerID: body.string("customer_id"), departmentID: body.string("department_id"),
                                 category: body.string("category")), body)
    }

    @Sendable func freeze(req: Request) async throws -> Response {
        let (p, body) = try snapshotParams(req)
        let replace = body.string("replace") == "true"
        try Permissions.require(req, replace ? .update : .create, .report)
        _ = try await ReportSnapshots.freeze(req.application, actor: req.actor, quarter: p.quarter, filters: p.filters, replace: replace)
        return WebView.redirect(req, to: ReportSitePaths.report.path + "?" + Self.query(p), notice: .saved)
    }

    @Sendable func unfreeze(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .report)
        let (p, _) = try snapshotParams(req)
        try await ReportSnapshots.unfreeze(req.application, actor: req.actor, quarter: p.quarter, filters: p.filters)
        return WebView.redirect(req, to: ReportSitePaths.report.path + "?" + Self.query(p), notice: .saved)
    }
}
