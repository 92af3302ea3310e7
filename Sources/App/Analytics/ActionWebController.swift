import Fluent
import LvyueCore
import Vapor

/// The improvement actions' list and forms (issue #7). Managers create; the owner department updates; every staff
/// role reads. The forms post through the same service as the API, so validation is the API's.
extension ReportWebController {
    struct ActionRowView: Encodable, Sendable {
        var quarter: String
        var figure: String
        var finding: String
        var measure: String
        var department: String
        var owner: String
        var dueOn: String
        var status: String
        var statusKey: String
        var overdue: Bool
        var review: String
        var editURL: String?
    }

    struct ActionsPage: Encodable, Sendable {
        var list: ListView
        var rows: [ActionRowView]
        var newURL: String?
    }

    /// The improvement actions on the shared list mechanism; `status=open` (the default) is planned or in progress.
    static func listSpec(_ t: Strings, newURL: String?) -> ListSpec {
        ListSpec(
            path: ReportSitePaths.actions.path,
            columns: [.sortable(t["ia_quarter"], "quarter", .field("quarter")), .sortable(t["ia_finding"], "finding", .field("finding")),
                      .plain(t["ia_measure"]), .plain(t["ia_department"]), .sortable(t["ia_due"], "due_on", .field("due_on")),
                      .sortable(t["ia_status"], "status", .field("status")), .plain(t["ia_review"]), .actions(t["sys_col_actions"])],
            defaultSort: "due_on",
            filters: [ListFilterSpec(name: "status", label: t["ia_status"],
                                     options: [("open", t["ia_open"]), ("", t["ia_all"])] + ActionStatus.allCases.map { ($0.rawValue, t["ia_status." + $0.rawValue]) },
                                     defaultValue: "open")],
            searchPlaceholder: t["list_actions_search"],
            emptyText: t["list_empty_actions"], emptyActionLabel: newURL == nil ? nil : t["ia_new"], emptyActionURL: newURL)
    }

    static let actionSpec: [(String, FormBody.Kind)] = [
        ("quarter", .string), ("figure_key", .string), ("finding", .string), ("cause_category", .string), ("measure", .string),
        ("owner_department_id", .uuid), ("owner_id", .uuid), ("due_on", .string), ("status", .string), ("effect_review", .string),
    ]

    @Sendable func actions(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .improvementAction)
        let t = req.strings
        let user = try req.user
        let newURL = Permissions.allows(user.role, .create, .improvementAction) ? ReportSitePaths.actionNew.path : nil
        let db = req.db
        let (rows, list) = try await ListQuery.run(req, Self.listSpec(t, newURL: newURL), base: { ImprovementAction.query(on: db) },
                                                   search: ["finding", "measure", "quarter"]) { q, s in
            if s.value("status") == "open" { q.filter(\.$status ~~ [.planned, .inProgress]) } else if let v = s.value("status"), let st = ActionStatus(rawValue: v) {
                q.filter(\.$status == st)
            }
        }
        let lookups = try await Lookups.load(on: req.db, customers: false)
        let today = LocalDate(date: req.now, in: JSONCoding.displayTimeZone)
        let figureLabels = Dictionary(uniqueKeysWithValues: ReportFigureKeys.all.map { ($0, Self.figureLabel($0, t)) })
        let page = ActionsPage(
            list: list,
            rows: rows.map { a in
                ActionRowView(quarter: a.quarter, figure: a.figureKey.flatMap { figureLabels[$0] } ?? "—", finding: a.finding, measure: a.measure,
                              department: lookups.departments.name(a.ownerDepartmentID) ?? "—", owner: lookups.users.name(a.ownerID) ?? "—",
                              dueOn: t.day(a.dueOn), status: t["ia_status." + a.status.rawValue], statusKey: a.status.rawValue,
                              overdue: a.isOverdue(today: today), review: a.effectReview ?? "",
                              editURL: AnalyticsPermissions.mayUpdate(user, action: a) ? ReportSitePaths.actionEdit.path(a.id!) : nil)
            },
            newURL: newURL)
        return try await WebView.render(req, "reports/actions", title: t["ia_title"], page)
    }

    static func figureLabel(_ key: String, _ t: Strings) -> String {
        key.hasPrefix("service.clock.") ? t["svc_clock." + key.dropFirst("service.clock.".count)] : t["rpt_fig." + key]
    }

    private func renderForm(_ req: Request, _ s: FormState, action: ImprovementAction?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let t = req.strings
        let lookups = try await Lookups.load(on: req.db, customers: false)
        let figures = ReportFigureKeys.all.sorted().map { ($0, Self.figureLabel($0, t)) }
        var fields: [FieldView] = []
        if action == nil { fields.append(s.field("quarter", "ia_quarter", required: true, hint: nil)) }
        var figure = s.select("figure_key", "ia_figure", figures)
        figure.options[0].label = t["ia_figure_none"]
        fields += [
            figure,
            s.field("finding", "ia_finding", kind: "textarea", required: true, max: 2000),
            s.enumSelect("cause_category", "ia_cause", prefix: "ia_cause", CauseCategory.self, required: true),
            s.field("measure", "ia_measure", kind: "textarea", required: true, max: 2000),
            s.select("owner_department_id", "ia_department", lookups.departmentOptions, required: true),
            s.select("owner_id", "ia_owner", lookups.userOptions),
            s.field("due_on", "ia_due", kind: "date", required: true),
            s.enumSelect("status", "ia_status", prefix: "ia_status", ActionStatus.self),
            s.field("effect_review", "ia_review", kind: "textarea", max: 4000),
        ]
        let page = FormPage(heading: t[action == nil ? "ia_new" : "ia_edit"], context: action.map { "\($0.quarter) · \($0.finding.prefix(60))" },
                            action: action.map { ReportSitePaths.action.path($0.id!) } ?? ReportSitePaths.actions.path,
                            submitLabel: t["ia_save"], cancelURL: ReportSitePaths.actions.path, banner: s.banner, version: action?.version,
                            fields: fields)
        return try await WebView.render(req, "form", title: page.heading, page, status: status)
    }

    @Sendable func newAction(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .improvementAction)
        let quarter = req.query[String.self, at: "quarter"].flatMap(Quarter.init) ?? Self.defaultQuarter(req.now)
        let figure = req.query[String.self, at: "figure_key"].flatMap { ReportFigureKeys.all.contains($0) ? $0 : nil } ?? ""
        return try await renderForm(req, FormState(req.strings, values: ["quarter": quarter.description, "figure_key": figure, "status": "planned"]),
                                    action: nil)
    }

    @Sendable func createAction(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .improvementAction)
        let body = FormBody(req)
        return try await FormFlow.submit(req, known: Set(Self.actionSpec.map(\.0))) {
            _ = try await ImprovementActionService.create(req.application, actor: req.actor, try body.decode(ImprovementActionInput.self, Self.actionSpec))
            return WebView.redirect(req, to: ReportSitePaths.actions.path, notice: .created)
        } rerender: { errors, banner, status in
            var s = FormState(req.strings, submitted: body)
            s.errors = errors
            s.banner = banner
            return try await renderForm(req, s, action: nil, status: status)
        }
    }

    @Sendable func editAction(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .improvementAction)
        let a = try await Writes.find(ImprovementAction.self, try req.pathID(entity: ImprovementAction.entityType), on: req.db)
        guard AnalyticsPermissions.mayUpdate(try req.user, action: a) else {
            throw AppError.forbidden("only the owner department or a manager may change this improvement action")
        }
        return try await renderForm(req, FormState(req.strings, values: [
            "figure_key": a.figureKey ?? "", "finding": a.finding, "cause_category": a.causeCategory.rawValue, "measure": a.measure,
            "owner_department_id": a.ownerDepartmentID.formValue, "owner_id": a.ownerID?.formValue ?? "", "due_on": a.dueOn,
            "status": a.status.rawValue, "effect_review": a.effectReview ?? "",
        ]), action: a)
    }

    @Sendable func updateAction(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .improvementAction)
        let id = try req.pathID(entity: ImprovementAction.entityType)
        let a = try await Writes.find(ImprovementAction.self, id, on: req.db)
        let body = FormBody(req)
        return try await FormFlow.submit(req, known: Set(Self.actionSpec.map(\.0))) {
            let input = try body.decode(ImprovementActionPatch.self, Self.actionSpec.filter { $0.0 != "quarter" })
            _ = try await ImprovementActionService.update(req.application, user: try req.user, id: id, expectedVersion: body.expectedVersion, input)
            return WebView.redirect(req, to: ReportSitePaths.actions.path, notice: .saved)
        } rerender: { errors, banner, status in
            var s = FormState(req.strings, submitted: body)
            s.errors = errors
            s.banner = banner
            return try await renderForm(req, s, action: a, status: status)
        }
    }
}
