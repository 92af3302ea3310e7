import Fluent
import Foundation
import LvyueCore
import Vapor

/// The template library's pages (issue #7): list, yearly revision list, a template's versions, the table editor of a
/// draft, approval, the diff, and applying templates to a contract. Every write goes through `TemplateLibrary`, the
/// same functions as the API.
struct TemplateWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(TemplateWebPaths.list.components, use: list)
        routes.get(TemplateWebPaths.due.components, use: due)
        routes.get(TemplateWebPaths.show.components, use: show)
        routes.post(TemplateWebPaths.newVersion.components, use: newVersion)
        routes.get(TemplateWebPaths.diff.components, use: diff)
        routes.get(TemplateWebPaths.version.components, use: version)
        routes.post(TemplateWebPaths.version.components, use: save)
        routes.post(TemplateWebPaths.approve.components, use: approve)
        routes.post(TemplateWebPaths.discard.components, use: discard)
        routes.get(TemplateWebPaths.apply.components, use: applyForm)
        routes.post(TemplateWebPaths.apply.components, use: apply)
    }

    private func today(_ req: Request) -> LocalDate { ResponseContext(now: req.now).today }

    @Sendable func list(req: Request) async throws -> Response { try await render(req, dueOnly: false) }
    @Sendable func due(req: Request) async throws -> Response { try await render(req, dueOnly: true) }

    private func render(_ req: Request, dueOnly: Bool) async throws -> Response {
        try Permissions.require(req, .read, .template)
        let kind = req.query[String.self, at: "kind"].flatMap(TemplateKind.init(rawValue:))
        let page = dueOnly ? try await TemplateListPage.query(on: req.db, today: today(req), kind: kind, dueOnly: true, t: req.strings)
            : try await TemplateListPage.list(req, today: today(req))
        return try await WebView.render(req, "templates/list", title: page.heading, page)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .template)
        return try await renderShow(req, id: try req.pathID(entity: "template"))
    }

    private func renderShow(_ req: Request, id: UUID, errors: [String] = [], status: HTTPResponseStatus = .ok) async throws -> Response {
        let page = try await TemplateShowPage.query(id, on: req.db, today: today(req), role: try req.user.role, t: req.strings, errors: errors)
        return try await WebView.render(req, "templates/show", title: page.name, page, status: status)
    }

    @Sendable func newVersion(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .template)
        let id = try req.pathID(entity: "template")
        let body = FormBody(req)
        do {
            let v = try await TemplateLibrary.createDraft(req.application, actor: req.actor, role: try req.user.role, templateID: id,
                                                          TemplateVersionCreateInput(changeNote: body.string("change_note"), effectiveOn: nil, rows: nil))
            return WebView.redirect(req, to: TemplateWebPaths.version.path(v.id), notice: .created)
        } catch let e as AppError where e.httpStatus == .unprocessableEntity || e.httpStatus == .conflict {
            return try await renderShow(req, id: id, errors: TemplateLabels.errors(e, req.strings), status: e.httpStatus)
        }
    }

    @Sendable func diff(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .template)
        let id = try req.pathID(entity: "template")
        let from = req.query[String.self, at: "from"].flatMap { Int($0) } ?? 1
        let to = req.query[String.self, at: "to"].flatMap { Int($0) } ?? from
        let page = try await TemplateDiffPage.query(id, from: from, to: to, on: req.db, t: req.strings)
        return try await WebView.render(req, "templates/diff", title: page.title, page)
    }

    @Sendable func version(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .template)
        let id = try req.pathID(entity: "template_version")
        let page = try await TemplateVersionPage.query(id, on: req.db, today: today(req), role: try req.user.role, t: req.strings)
        return try await WebView.render(req, "templates/version", title: page.title, page)
    }

    @Sendable func save(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .template)
        let id = try req.pathID(entity: "template_version")
        let body = FormBody(req)
        let v = try await Writes.find(TemplateVersion.self, id, on: req.db)
        let rows = TemplateVersionPage.rows(from: body, columns: v.kind.columns.count)
        let effective = body.string("effective_on") ?? ""
        let patch = TemplateVersionPatch(changeNote: body.string("change_note"), effectiveOn: effective.isEmpty ? .null : .value(effective), rows: rows)
        do {
            _ = try await TemplateLibrary.updateDraft(req.application, actor: req.actor, role: try req.user.role, versionID: id,
                                                      expectedVersion: body.expectedVersion, patch)
            return WebView.redirect(req, to: TemplateWebPaths.version.path(id), notice: .saved)
        } catch let e as AppError where [.unprocessableEntity, .conflict, .preconditionFailed].contains(e.httpStatus) {
            let page = try await TemplateVersionPage.query(id, on: req.db, today: today(req), role: try req.user.role, t: req.strings,
                                                           submitted: TemplateContent.normalise(rows), note: body.string("change_note"),
                                                           effectiveOn: effective, errors: TemplateLabels.errors(e, req.strings))
            return try await WebView.render(req, "templates/version", title: page.title, page, status: e.httpStatus)
        }
    }

    @Sendable func approve(req: Request) async throws -> Response {
        try Permissions.require(req, .approve, .template)
        let id = try req.pathID(entity: "template_version")
        let body = FormBody(req)
        let v = try await Writes.find(TemplateVersion.self, id, on: req.db)
        do {
            _ = try await TemplateLibrary.approve(req.application, actor: req.actor, versionID: id, expectedVersion: body.expectedVersion,
                                                  TemplateApproveInput(effectiveOn: body.string("effective_on")))
            return WebView.redirect(req, to: TemplateWebPaths.show.path(v.templateID), notice: .statusChanged)
        } catch let e as AppError where [.unprocessableEntity, .conflict, .preconditionFailed].contains(e.httpStatus) {
            return try await renderShow(req, id: v.templateID, errors: TemplateLabels.errors(e, req.strings), status: e.httpStatus)
        }
    }

    @Sendable func discard(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .template)
        let id = try req.pathID(entity: "template_version")
        let body = FormBody(req)
        let v = try await Writes.find(TemplateVersion.self, id, on: req.db)
        do {
            try await TemplateLibrary.deleteDraft(req.application, actor: req.actor, role: try req.user.role, versionID: id, expectedVersion: body.expectedVersion)
            return WebView.redirect(req, to: TemplateWebPaths.show.path(v.templateID), notice: .saved)
        } catch let e as AppError where [.conflict, .preconditionFailed].contains(e.httpStatus) {
            return try await renderShow(req, id: v.templateID, errors: TemplateLabels.errors(e, req.strings), status: e.httpStatus)
        }
    }

    @Sendable func applyForm(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .contract)
        let page = try await TemplateApplyPage.query(contractID: try req.pathID(entity: "contract"), on: req.db, today: today(req), t: req.strings)
        return try await WebView.render(req, "templates/apply", title: req.strings["tpl_apply_title"], page)
    }

    @Sendable func apply(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .contract)
        let id = try req.pathID(entity: "contract")
        let body = FormBody(req)
        var kinds: [String] = []
        var input = TemplateApplyInput(kinds: nil, responsibilityVersionId: nil, milestoneVersionId: nil, riskVersionId: nil,
                                       calendarId: body.string("calendar_id").flatMap { $0.isEmpty ? nil : $0 })
        for kind in TemplateApply.kinds {
            guard let raw = body.string(TemplateApply.field(kind)), let version = UUID(uuidString: raw) else { continue }
            kinds.append(kind.rawValue)
            switch kind {
            case .responsibility: input.responsibilityVersionId = version
            case .milestonePlan: input.milestoneVersionId = version
            default: input.riskVersionId = version
            }
        }
        input.kinds = kinds
        do {
            guard !kinds.isEmpty else { throw AppError.invalid(fields: ["kinds": "choose at least one"]) }
            _ = try await TemplateApply.apply(req.application, actor: req.actor, role: try req.user.role, contractID: id, input)
            return WebView.redirect(req, to: SitePath.contract.path(id), notice: .saved)
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.httpStatus) {
            let page = try await TemplateApplyPage.query(contractID: id, on: req.db, today: today(req), t: req.strings,
                                                         errors: TemplateLabels.errors(e, req.strings))
            return try await WebView.render(req, "templates/apply", title: req.strings["tpl_apply_title"], page, status: e.httpStatus)
        }
    }
}
