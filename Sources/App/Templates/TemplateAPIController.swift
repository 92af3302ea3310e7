import Fluent
import LvyueCore
import Vapor

/// `/api/v1/templates…`: the template library (issue #7), its versions, diffs, yearly revision list, and applying
/// templates to a contract.
struct TemplateAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("templates", use: list)
        routes.post("templates", use: create)
        routes.get("templates", "due-for-revision", use: due)
        routes.post("templates", "activate", use: activate)
        routes.get("templates", ":id", use: show)
        routes.get("templates", ":id", "diff", use: diff)
        routes.post("templates", ":id", "versions", use: createVersion)
        routes.get("template-versions", ":id", use: showVersion)
        routes.patch("template-versions", ":id", use: updateVersion)
        routes.delete("template-versions", ":id", use: deleteVersion)
        routes.post("template-versions", ":id", "approve", use: approve)
        routes.post("contracts", ":id", "apply-templates", use: apply)
        routes.get("contracts", ":id", "template-versions", use: contractUsage)
        routes.get("service-plans", ":id", "template-versions", use: planUsage)
        routes.get("service-requests", ":id", "template-versions", use: requestUsage)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .template)
        var check = FieldCheck()
        let kind = req.query[String.self, at: "kind"].flatMap { $0.isEmpty ? nil : check.oneOf($0, "kind", TemplateKind.self) }
        try check.throwIfAny()
        let items = try await TemplateLibrary.list(on: req.db, today: ResponseContext(now: req.now).today, kind: kind)
        return try .json(TemplateList(items: items))
    }

    @Sendable func due(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .template)
        let items = try await TemplateLibrary.list(on: req.db, today: ResponseContext(now: req.now).today, dueOnly: true)
        return try .json(TemplateList(items: items))
    }

    @Sendable func activate(req: Request) async throws -> Response {
        try Permissions.require(req, .approve, .template)
        let changed = try await TemplateLibrary.activateDue(req.application, actor: req.actor)
        return try .json(ActivateResponse(changed: changed))
    }

    struct ActivateResponse: Content { var changed: Int }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .template)
        let input = try req.decodeJSON(TemplateCreateInput.self)
        let out = try await TemplateLibrary.createTemplate(req.application, actor: req.actor, role: try req.user.role, input)
        return try .json(out, status: .created, version: out.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .template)
        let id = try req.pathID(entity: "template")
        let t = try await TemplateLibrary.find(id, on: req.db)
        let out = TemplateLibrary.response(t, try await TemplateLibrary.versions(of: id, on: req.db), today: ResponseContext(now: req.now).today)
        return try .json(out, version: out.version)
    }

    @Sendable func diff(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .template)
        let id = try req.pathID(entity: "template")
        var check = FieldCheck()
        let from = check.range(req.query[String.self, at: "from"].flatMap { Int($0) }, "from", 1...100_000)
        let to = check.range(req.query[String.self, at: "to"].flatMap { Int($0) }, "to", 1...100_000)
        try check.throwIfAny()
        return try .json(try await TemplateLibrary.diff(templateID: id, from: from!, to: to!, on: req.db))
    }

    @Sendable func createVersion(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .template)
        let id = try req.pathID(entity: "template")
        let input = try req.decodeJSON(TemplateVersionCreateInput.self)
        let out = try await TemplateLibrary.createDraft(req.application, actor: req.actor, role: try req.user.role, templateID: id, input)
        return try .json(out, status: .created, version: out.version)
    }

    @Sendable func showVersion(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .template)
        let v = try await Writes.find(TemplateVersion.self, try req.pathID(entity: "template_version"), on: req.db)
        return try .json(v.response(ResponseContext(now: req.now)), version: v.version)
    }

    @Sendable func updateVersion(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .template)
        let id = try req.pathID(entity: "template_version")
        let input = try req.decodeJSON(TemplateVersionPatch.self)
        let out = try await TemplateLibrary.updateDraft(req.application, actor: req.actor, role: try req.user.role, versionID: id,
                                                        expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(out, version: out.version)
    }

    @Sendable func deleteVersion(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .template)
        let id = try req.pathID(entity: "template_version")
        try await TemplateLibrary.deleteDraft(req.application, actor: req.actor, role: try req.user.role, versionID: id,
                                              expectedVersion: try Precondition.expectedVersion(req))
        return Response(status: .noContent)
    }

    @Sendable func approve(req: Request) async throws -> Response {
        try Permissions.require(req, .approve, .template)
        let id = try req.pathID(entity: "template_version")
        let input = try req.decodeJSON(TemplateApproveInput.self)
        let out = try await TemplateLibrary.approve(req.application, actor: req.actor, versionID: id,
                                                    expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(out, version: out.version)
    }

    @Sendable func apply(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .contract)
        let id = try req.pathID(entity: "contract")
        let input = try req.decodeJSON(TemplateApplyInput.self)
        let out = try await TemplateApply.apply(req.application, actor: req.actor, role: try req.user.role, contractID: id, input)
        return try .json(out, status: .created)
    }

    @Sendable func contractUsage(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .contract)
        return try .json(try await TemplateUsage.usage(.contract, id: try req.pathID(entity: "contract"), on: req.db))
    }

    @Sendable func planUsage(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        return try .json(try await TemplateUsage.usage(.servicePlan, id: try req.pathID(entity: "service_plan"), on: req.db))
    }

    @Sendable func requestUsage(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceRequest)
        return try .json(try await TemplateUsage.usage(.serviceRequest, id: try req.pathID(entity: "service_request"), on: req.db))
    }
}
