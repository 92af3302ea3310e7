import Fluent
import LvyueCore
import Vapor

struct AlertResponse: Content, HasVersion {
    var id: UUID
    var source: AlertSource
    var sourceId: UUID
    var conditionKey: String
    var firingSeq: Int
    var contractId: UUID?
    var milestoneId: UUID?
    var level: AlertLevel
    var title: String
    var reason: String
    /// `title` and `reason` as a locale key and parameters, for clients that show them in their own language
    /// (absent on alerts fired before keys existed).
    var messageKey: String?
    var messageParams: [String: String]?
    var status: AlertStatus
    var firedAt: Date
    var acknowledgedAt: Date?
    var acknowledgedBy: String?
    var resolvedAt: Date?
    /// API paths of what the alert is about.
    var links: [String: String]
    var version: Int
}

extension Alert: AuditedModel {
    static let entityType = "alert"
    func response(_ ctx: ResponseContext) -> AlertResponse {
        var links: [String: String] = [:]
        if let c = contractID { links["contract"] = "/api/v1/contracts/\(c.uuidString.lowercased())" }
        if let m = milestoneID { links["milestone"] = "/api/v1/milestones/\(m.uuidString.lowercased())" }
        switch source {
        case .risk: links["risk"] = "/api/v1/risks/\(sourceID.uuidString.lowercased())"
        case .escalation: links["escalation"] = "/api/v1/escalations/\(sourceID.uuidString.lowercased())"
        case .milestone: links["milestone"] = "/api/v1/milestones/\(sourceID.uuidString.lowercased())"
        case .serviceRequest, .inspection, .objection: links.merge(ServiceLinks.alertLinks(source, sourceID)) { a, _ in a }
        case .improvementAction: links["improvement_action"] = "/api/v1/improvement-actions/\(sourceID.uuidString.lowercased())"
        }
        return AlertResponse(id: id!, source: source, sourceId: sourceID, conditionKey: conditionKey, firingSeq: firingSeq,
                             contractId: contractID, milestoneId: milestoneID, level: level, title: title, reason: reason,
                             messageKey: messageKey, messageParams: messageKey == nil ? nil : MessageText.decodeParams(messageParams), status: status,
                             firedAt: firedAt, acknowledgedAt: acknowledgedAt, acknowledgedBy: acknowledgedBy, resolvedAt: resolvedAt,
                             links: links, version: version)
    }
}

struct AlertAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("alerts", use: list)
        routes.get("alerts", ":id", use: show)
        routes.post("alerts", ":id", "acknowledge", use: acknowledge)
        routes.post("alerts", ":id", "escalate", use: escalate)
    }

    /// Filters: `status` (open = not yet resolved, acknowledged or not; or an exact status), `level`, `contract_id`, `source`.
    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .alert)
        let page = try PageRequest(req)
        let q = try AlertQueries.filtered(req)
        let rows = try await page.apply(q).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .alert)
        let a = try await Writes.find(Alert.self, try req.pathID(entity: "alert"), on: req.db)
        return try .json(a.response(ResponseContext(now: req.now)), version: a.version)
    }

    @Sendable func acknowledge(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .alert)
        let actor = req.actor
        let now = req.now
        let updated = try await Writes.update(req.application, actor: actor, Alert.self, id: try req.pathID(entity: "alert"),
                                              expectedVersion: try Precondition.expectedVersion(req)) { alert, _ in
            guard alert.status == .open else {
                throw AppError.conflict(code: "alert_not_open", message: "the alert is \(alert.status.rawValue)")
            }
            alert.status = .acknowledged
            alert.acknowledgedAt = now
            alert.acknowledgedBy = actor.name
        }
        return try .json(updated, version: updated.version)
    }

    /// One click from an alert to an Issue Escalation Form: detected when the alert fired.
    @Sendable func escalate(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .escalation)
        let alert = try await Writes.find(Alert.self, try req.pathID(entity: "alert"), on: req.db)
        guard let contractID = alert.contractID else {
            throw AppError.conflict(code: "alert_without_contract", message: "this alert is not about a contract")
        }
        let overrides = try EscalateOverrides.decode(req)
        let input = EscalationCreateInput(contractId: contractID, milestoneId: alert.milestoneID,
                                          riskId: alert.source == .risk ? alert.sourceID : nil, alertId: alert.id,
                                          qualityResultId: nil, detectedAt: alert.firedAt, raisedAt: nil,
                                          description: overrides.description ?? "\(alert.title)（\(alert.reason)）",
                                          impact: overrides.impact, initialFix: overrides.initialFix, level: overrides.level,
                                          departments: overrides.departments)
        let created = try await EscalationService.create(req.application, actor: req.actor, input)
        return try .json(created, status: .created, version: created.version)
    }
}

/// Optional body of the one-click escalation routes: what the form says beyond what the source provides.
struct EscalateOverrides: Decodable, Sendable {
    var description: String?
    var impact: String?
    var initialFix: String?
    var level: Int?
    var departments: [UUID]?

    static func decode(_ req: Request) throws -> EscalateOverrides {
        guard let body = req.body.data, body.readableBytes > 0 else { return EscalateOverrides() }
        return try req.decodeJSON(EscalateOverrides.self)
    }
}

enum AlertQueries {
    static func filtered(_ req: Request) throws -> QueryBuilder<Alert> {
        var check = FieldCheck()
        let q = Alert.query(on: req.db)
        if let s = req.query[String.self, at: "status"], !s.isEmpty {
            if s == "open" {
                q.filter(\.$status != .resolved)
            } else if let st = check.oneOf(s, "status", AlertStatus.self) {
                q.filter(\.$status == st)
            }
        }
        if let l = req.query[String.self, at: "level"], !l.isEmpty, let level = check.oneOf(l, "level", AlertLevel.self) { q.filter(\.$level == level) }
        if let s = req.query[String.self, at: "source"], !s.isEmpty, let source = check.oneOf(s, "source", AlertSource.self) { q.filter(\.$source == source) }
        try check.throwIfAny()
        if let c = try req.uuidQuery("contract_id") { q.filter(\.$contractID == c) }
        return q
    }
}
