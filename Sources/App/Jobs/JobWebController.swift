import Fluent
import Foundation
import LvyueCore
import Vapor

/// The jobs pages (issue #8). An export button or the report's workbook button opens a start page (the work, its
/// filters, one "start" button: a job is a write, so it is a POSTed form with its CSRF token); the job page shows a
/// `<progress>` bar, the percent and the message, rendered by the server — a "refresh" link brings it up to date
/// without JavaScript, `/js/jobs.js` polls `/jobs/{id}/status` and moves the bar when JavaScript runs — and, when the
/// job is done, the download link or the import report.
struct JobWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(JobPaths.list.components, use: list)
        routes.post(JobPaths.list.components, use: create)
        routes.get("jobs", "new", use: start)
        routes.get(JobPaths.show.components, use: show)
        routes.get(JobPaths.status.components, use: status)
        routes.get(JobPaths.result.components, use: result)
        routes.post(JobPaths.cancel.components, use: cancel)
    }

    // MARK: - Start

    struct Param: Encodable, Sendable { var name: String; var value: String; var label: String }

    struct StartPage: Encodable, Sendable {
        var kind: String
        var what: String
        var params: [Param]
        var shown: [Param]
        var action: String
        var backURL: String?
    }

    /// `GET /exports/{form}?format=…&filters` — the list pages' export buttons.
    @Sendable static func startExport(req: Request) async throws -> Response {
        guard let raw = req.parameters.get("form"), ExportForm(rawValue: raw) != nil else {
            throw AppError.notFound(entity: "export form", id: req.parameters.get("form") ?? "")
        }
        var values = ["form": raw]
        for key in JobWork.exportKeys where key != "form" {
            if let v = req.query[String.self, at: key], !v.isEmpty { values[key] = v }
        }
        return try await renderStart(req, .export, values)
    }

    /// `GET /jobs/new?kind=…&params` — any kind but the import (which uploads a file on its own page).
    @Sendable func start(req: Request) async throws -> Response {
        guard let kind = req.query[String.self, at: "kind"].flatMap(JobKind.init(rawValue:)), kind != .contractImport else {
            throw AppError.notFound(entity: "job kind", id: req.query[String.self, at: "kind"] ?? "")
        }
        let keys = kind == .export ? JobWork.exportKeys : JobWork.reportKeys
        var values: [String: String] = [:]
        for key in keys { if let v = req.query[String.self, at: key], !v.isEmpty { values[key] = v } }
        if kind == .quarterlyReport && values["lang"] == nil { values["lang"] = req.lang.rawValue }
        return try await Self.renderStart(req, kind, values)
    }

    static func renderStart(_ req: Request, _ kind: JobKind, _ values: [String: String]) async throws -> Response {
        try Permissions.require(req, .create, .job)
        try JobWork.require(req, kind, values)
        let params = try JobWork.validate(kind, values)
        let t = req.strings
        let page = StartPage(kind: kind.rawValue, what: try await describe(req, kind, params),
                             params: params.sorted { $0.key < $1.key }.map { Param(name: $0.key, value: $0.value, label: $0.key) },
                             shown: try await shownParams(req, kind, params), action: JobPaths.list.path,
                             backURL: req.headers.first(name: .referer).flatMap { URL(string: $0)?.path })
        return try await WebView.render(req, "jobs/start", title: t["jobs_start_title"], page)
    }

    /// What the job does, in the reader's language: "导出 模板2 合同履约关键节点跟踪表（XLSX）".
    static func describe(_ req: Request, _ kind: JobKind, _ p: [String: String]) async throws -> String {
        let t = req.strings
        switch kind {
        case .export:
            let form = p["form"].flatMap(ExportForm.init(rawValue:))
            return t.format("jobs_what_export", ["form": form?.title ?? p["form"] ?? "", "format": (p["format"] ?? "xlsx").uppercased()])
        case .quarterlyReport:
            return t.format("jobs_what_report", ["quarter": p["quarter"] ?? ""])
        case .contractImport:
            return t.format(p["dry_run"] == "true" ? "jobs_what_import_dry" : "jobs_what_import", ["file": p["filename"] ?? ""])
        }
    }

    /// The filters a person set, with names instead of ids where we have them.
    static func shownParams(_ req: Request, _ kind: JobKind, _ p: [String: String]) async throws -> [Param] {
        let t = req.strings
        var out: [Param] = []
        for (key, value) in p.sorted(by: { $0.key < $1.key }) where !["form", "format", "lang", "filename", "dry_run"].contains(key) {
            var shown = value
            if let id = UUID(uuidString: value) {
                switch key {
                case "contract_id": shown = try await Contract.find(id, on: req.db)?.number ?? value
                case "customer_id": shown = try await Customer.find(id, on: req.db)?.name ?? value
                case "department_id": shown = try await Department.find(id, on: req.db)?.name ?? value
                case "engineer_id": shown = try await User.find(id, on: req.db)?.displayName ?? value
                default: break
                }
            }
            let labelKey = "jobs_param." + key
            out.append(Param(name: key, value: shown, label: t[labelKey] == labelKey ? key : t[labelKey]))
        }
        return out
    }

    /// `POST /jobs` from a start page: the job is queued and the browser goes to its page.
    @Sendable func create(req: Request) async throws -> Response {
        let form = FormBody(req)
        guard let kind = form.string("kind").flatMap(JobKind.init(rawValue:)), kind != .contractImport else {
            throw AppError.invalid(fields: ["kind": "must be export or quarterly_report"])
        }
        let keys = kind == .export ? JobWork.exportKeys : JobWork.reportKeys
        var values: [String: String] = [:]
        for key in keys { if let v = form.string(key), !v.isEmpty { values[key] = v } }
        try Permissions.require(req, .create, .job)
        try JobWork.require(req, kind, values)
        let params = try JobWork.validate(kind, values)
        let job = try await JobService.create(req.application, actor: req.actor, kind: kind, params: params)
        return req.redirect(to: JobPaths.page(job.id), redirectType: .normal)
    }

    // MARK: - One job

    struct JobView: Encodable, Sendable {
        var id: String
        var url: String
        var statusURL: String
        var cancelURL: String
        var what: String
        var status: String
        var statusLabel: String
        var percent: Int?
        /// The bar's value: shown while the job runs and once the amount of work is known.
        var showBar: Bool
        var barValue: Int
        var percentText: String
        var done: Int
        var total: Int
        var progressText: String
        var message: String?
        var error: String?
        var finished: Bool
        var running: Bool
        var canCancel: Bool
        var resultURL: String?
        var resultName: String?
        var resultSize: String?
        var expiresAt: String?
        var createdAt: String
        var finishedAt: String?
        var createdBy: String
    }

    struct ShowPage: Encodable, Sendable {
        var job: JobView
        var importReport: ImportWebController.Page?
        var listURL: String
    }

    static func view(_ req: Request, _ job: Job) async throws -> JobView {
        let t = req.strings
        let r = JobService.response(req.application, job)
        let percentText = r.percent.map { "\($0)%" } ?? "—"
        let progressText = r.progressTotal > 0 ? t.format("jobs_progress_rows", ["done": String(r.progressDone), "total": String(r.progressTotal)]) : ""
        let hasFile = job.status == .done && job.resultPath != nil && job.kind != .contractImport
        return JobView(
            id: r.id.uuidString.lowercased(), url: JobPaths.page(r.id), statusURL: JobPaths.status.path(r.id), cancelURL: JobPaths.cancel.path(r.id),
            what: try await describe(req, job.kind, r.params), status: r.status.rawValue, statusLabel: t["jobs_status." + r.status.rawValue],
            percent: r.percent, showBar: r.percent != nil || !job.status.isFinished, barValue: r.percent ?? 0, percentText: percentText, done: r.progressDone, total: r.progressTotal,
            progressText: progressText, message: message(t, job), error: r.error, finished: job.status.isFinished,
            running: !job.status.isFinished, canCancel: !job.status.isFinished,
            resultURL: hasFile ? JobPaths.result.path(r.id) : nil, resultName: hasFile ? r.resultFilename : nil,
            resultSize: hasFile ? r.resultSize.map(sizeText) : nil, expiresAt: hasFile ? r.resultExpiresAt.map { t.time($0) } : nil,
            createdAt: t.time(r.createdAt), finishedAt: r.finishedAt.map { t.time($0) }, createdBy: r.createdBy)
    }

    /// The message in the reader's language where the state says it all; the runner's own words otherwise.
    static func message(_ t: Strings, _ job: Job) -> String? {
        switch job.status {
        case .queued: return t["jobs_msg_queued"]
        case .running: return t["jobs_msg_running"]
        case .cancelled: return t["jobs_msg_cancelled"]
        case .done where job.resultPath == nil && job.resultJSON == nil: return t["jobs_msg_expired"]
        case .done, .failed: return job.kind == .contractImport ? nil : job.message
        }
    }

    static func sizeText(_ bytes: Int) -> String {
        bytes >= 1_048_576 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : bytes >= 1024 ? "\(bytes / 1024) KB" : "\(bytes) B"
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .job)
        let job = try await JobService.find(req.application, try req.pathID(entity: "job"), for: try req.user)
        let t = req.strings
        var report: ImportWebController.Page?
        if let json = job.resultJSON, let result = try? JSONCoding.decoder.decode(ImportResult.self, from: Data(json.utf8)) {
            report = ImportWebController.page(req, dryRun: result.dryRun, result: result)
        }
        let page = ShowPage(job: try await Self.view(req, job), importReport: report, listURL: JobPaths.list.path)
        return try await WebView.render(req, "jobs/show", title: t["jobs_title_one"], page)
    }

    struct StatusJSON: Content {
        var status: String
        var statusLabel: String
        var percent: Int?
        /// The bar's value: shown while the job runs and once the amount of work is known.
        var showBar: Bool
        var barValue: Int
        var percentText: String
        var progressText: String
        var message: String?
        var finished: Bool
    }

    /// The page's script polls this (same session, no token): the numbers and words the page shows.
    @Sendable func status(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .job)
        let job = try await JobService.find(req.application, try req.pathID(entity: "job"), for: try req.user)
        let v = try await Self.view(req, job)
        let response = try Response.json(StatusJSON(status: v.status, statusLabel: v.statusLabel, percent: v.percent, showBar: v.showBar, barValue: v.barValue, percentText: v.percentText,
                                                    progressText: v.progressText, message: v.message, finished: v.finished))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable func result(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .job)
        let job = try await JobService.find(req.application, try req.pathID(entity: "job"), for: try req.user)
        if job.kind == .contractImport { return req.redirect(to: JobPaths.page(job.id!), redirectType: .normal) }
        return try JobAPIController.resultResponse(req, job)
    }

    @Sendable func cancel(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .job)
        let id = try req.pathID(entity: "job")
        _ = try await JobService.cancel(req.application, id, user: try req.user, expectedVersion: nil)
        return WebView.redirect(req, to: JobPaths.page(id), notice: .saved)
    }

    // MARK: - My jobs

    struct ListPage: Encodable, Sendable {
        var jobs: [JobView]
        var nextURL: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .job)
        var f = JobService.ListFilter()
        if let c = req.query[String.self, at: "cursor"], let id = UUID(uuidString: c) { f.before = id }
        let (jobs, next) = try await JobService.list(req.application, for: try req.user, f)
        var views: [JobView] = []
        for job in jobs { views.append(try await Self.view(req, job)) }
        let page = ListPage(jobs: views, nextURL: next.map { JobPaths.list.path + "?cursor=" + $0.uuidString.lowercased() })
        return try await WebView.render(req, "jobs/list", title: req.strings["jobs_title"], page)
    }
}
