import Fluent
import LvyueCore
import Vapor

struct QualityResultResponse: Content, HasVersion {
    var id: UUID
    var milestoneId: UUID
    var contractId: UUID
    var kind: QualityKind
    var result: QualityOutcome
    var inspector: String
    var notes: String?
    var inspectedAt: Date
    var version: Int
}

extension QualityResult: AuditedModel {
    static let entityType = "quality_result"
    func response(_ ctx: ResponseContext) -> QualityResultResponse {
        QualityResultResponse(id: id!, milestoneId: $milestone.id, contractId: contractID, kind: kind, result: result, inspector: inspector,
                              notes: notes, inspectedAt: inspectedAt, version: version)
    }
}

struct QualityResultInput: Decodable, Sendable {
    var kind: String?
    var result: String?
    var inspector: String?
    var notes: String?
    var inspectedAt: Date?
}

/// Inspection and acceptance results on milestones. Recording one re-evaluates the contract's risks, so a failure
/// fires `quality_failed` triggers at once; `POST /quality-results/{id}/escalate` files the escalation in one click.
struct QualityResultAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("milestones", ":id", "quality-results", use: list)
        routes.post("milestones", ":id", "quality-results", use: create)
        routes.get("quality-results", ":id", use: show)
        routes.post("quality-results", ":id", "escalate", use: escalate)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .qualityResult)
        let m = try await Writes.find(Milestone.self, try req.pathID(entity: "milestone"), on: req.db)
        let page = try PageRequest(req)
        let rows = try await page.apply(QualityResult.query(on: req.db).filter(\.$milestone.$id == m.id!)).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .qualityResult)
        let milestoneID = try req.pathID(entity: "milestone")
        let input = try req.decodeJSON(QualityResultInput.self)
        let m = try await Writes.find(Milestone.self, milestoneID, on: req.db)
        var check = FieldCheck()
        let kind = check.oneOf(input.kind ?? QualityKind.inspection.rawValue, "kind", QualityKind.self)
        let result = check.oneOf(input.result, "result", QualityOutcome.self)
        let inspector = check.text(input.inspector, "inspector", max: 100)
        let notes = check.text(input.notes, "notes", max: 4000, required: false)
        let at = input.inspectedAt ?? req.now
        if at > req.now.addingTimeInterval(300) { check.fail("inspected_at", "must not be in the future") }
        try check.throwIfAny()
        let q = QualityResult()
        q.id = req.deps.newID()
        q.$milestone.id = milestoneID
        q.contractID = m.$contract.id
        q.kind = kind!
        q.result = result!
        q.inspector = inspector!
        q.notes = notes
        q.inspectedAt = at
        let created = try await Writes.create(req.application, actor: req.actor, q)
        await MonitoringHooks.contractChanged(req.application, m.$contract.id)
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .qualityResult)
        let q = try await Writes.find(QualityResult.self, try req.pathID(entity: "quality_result"), on: req.db)
        return try .json(q.response(ResponseContext(now: req.now)), version: q.version)
    }

    /// A failed result is a quality non-conformance: file 模板3 from it in one click (detected at inspection time).
    @Sendable func escalate(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .escalation)
        let q = try await Writes.find(QualityResult.self, try req.pathID(entity: "quality_result"), on: req.db)
        guard q.result == .fail else {
            throw AppError.conflict(code: "quality_passed", message: "only a failed quality result can be escalated")
        }
        let m = try await Milestone.find(q.$milestone.id, on: req.db)
        let overrides = try EscalateOverrides.decode(req)
        let kindText = q.kind == .inspection ? "检验" : "验收"
        let input = EscalationCreateInput(contractId: q.contractID, milestoneId: q.$milestone.id, riskId: nil, alertId: nil,
                                          qualityResultId: q.id, detectedAt: q.inspectedAt, raisedAt: nil,
                                          description: overrides.description ?? "质量不合格：\(m?.name ?? "")\(kindText)未通过" + (q.notes.map { "（\($0)）" } ?? ""),
                                          impact: overrides.impact, initialFix: overrides.initialFix, level: overrides.level,
                                          departments: overrides.departments)
        let created = try await EscalationService.create(req.application, actor: req.actor, input)
        return try .json(created, status: .created, version: created.version)
    }
}
