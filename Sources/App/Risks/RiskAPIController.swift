import Fluent
import LvyueCore
import Vapor

/// The Risk Pre-assessment Table per contract, with its 5×5 heat map and the category checklists.
struct RiskAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("contracts", ":id", "risks", use: list)
        routes.post("contracts", ":id", "risks", use: create)
        routes.post("contracts", ":id", "risks", "apply-checklist", use: applyChecklist)
        routes.get("risks", ":id", use: show)
        routes.patch("risks", ":id", use: update)
        routes.delete("risks", ":id", use: delete)
        routes.get("risk-checklists", ":category", use: checklist)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .risk)
        let contract = try await Writes.find(Contract.self, try req.pathID("id", entity: "contract"), on: req.db)
        let page = try PageRequest(req)
        var check = FieldCheck()
        let status = req.query[String.self, at: "status"].flatMap { $0.isEmpty ? nil : check.oneOf($0, "status", RiskStatus.self) }
        try check.throwIfAny()
        let q = Risk.query(on: req.db).filter(\.$contract.$id == contract.id!)
        if let status { q.filter(\.$status == status) }
        let rows = try await page.apply(q).all()
        let heat = try await RiskQueries.heatMap(contractID: contract.id!, on: req.db)
        let ctx = ResponseContext(now: req.now)
        let p = page.page(rows) { $0.response(ctx) }
        return try .json(RiskRegisterResponse(items: p.items, nextCursor: p.nextCursor, heatMap: heat))
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .risk)
        let contractID = try req.pathID("id", entity: "contract")
        let input = try req.decodeJSON(RiskInput.self)
        _ = try await Writes.find(Contract.self, contractID, on: req.db)
        let risk = Risk()
        risk.$contract.id = contractID
        risk.id = req.deps.newID()
        let pending = risk
        _ = try await Writes.create(req.application, actor: req.actor, pending, prepare: { db in
            try await input.apply(to: pending, creating: true, db: db)
        })
        await MonitoringHooks.contractChanged(req.application, contractID)
        let fresh = try await Writes.find(Risk.self, risk.id!, on: req.db)
        return try .json(fresh.response(ResponseContext(now: req.now)), status: .created, version: fresh.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .risk)
        let r = try await Writes.find(Risk.self, try req.pathID(entity: "risk"), on: req.db)
        return try .json(r.response(ResponseContext(now: req.now)), version: r.version)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .risk)
        let input = try req.decodeJSON(RiskInput.self)
        let id = try req.pathID(entity: "risk")
        let updated = try await Writes.update(req.application, actor: req.actor, Risk.self, id: id,
                                              expectedVersion: try Precondition.expectedVersion(req)) { risk, db in
            try await input.apply(to: risk, creating: false, db: db)
        }
        await MonitoringHooks.contractChanged(req.application, updated.contractId)
        let fresh = try await Writes.find(Risk.self, id, on: req.db)
        return try .json(fresh.response(ResponseContext(now: req.now)), version: fresh.version)
    }

    @Sendable func delete(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .risk)
        let id = try req.pathID(entity: "risk")
        try await Writes.delete(req.application, actor: req.actor, Risk.self, id: id, expectedVersion: try Precondition.expectedVersion(req))
        // Its alerts lose their condition.
        let ctx = MonitorContext(now: req.now, newID: req.deps.newID, actor: req.actor)
        try await Store.write(req.application) { db in
            for a in try await Alert.query(on: db).filter(\.$source == .risk).filter(\.$sourceID == id).filter(\.$status != .resolved).all() {
                try await AlertFiring.resolve(a, on: db, ctx: ctx)
            }
        }
        return Response(status: .noContent)
    }

    @Sendable func checklist(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .risk)
        guard let category = req.parameters.get("category").flatMap(ContractCategory.init(rawValue:)) else {
            throw AppError.notFound(entity: "risk checklist", id: req.parameters.get("category") ?? "")
        }
        // Issue #7: the checklist in force in the template library.
        let items = try await TemplateUsage.riskItems(for: category, on: req.db, today: ResponseContext(now: req.now).today).items
        return try .json(ChecklistResponse(contractCategory: category, items: items.map(RiskQueries.item)))
    }

    /// Adds the contract category's checklist to the contract's register (items it already has are skipped).
    @Sendable func applyChecklist(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .risk)
        let contractID = try req.pathID("id", entity: "contract")
        let now = req.now
        let actor = req.actor
        let newID = req.deps.newID
        let result = try await Store.write(req.application) { db -> AppliedChecklistResponse in
            let contract = try await Writes.find(Contract.self, contractID, on: db)
            let existing = Set(try await Risk.query(on: db).filter(\.$contract.$id == contractID).all(\.$summary))
            var created: [RiskResponse] = []
            var skipped = 0
            let checklist = try await TemplateUsage.riskItems(for: contract.category, on: db, today: ResponseContext(now: now).today)
            if let version = checklist.version {  // issue #7: the contract records the checklist version it used
                try await TemplateUsage.record(.contract, id: contractID, column: "risk_template_version_id", version: version, on: db)
            }
            for item in checklist.items {
                if existing.contains(item.description) { skipped += 1; continue }
                let r = RiskChecklist.makeRisk(item, contract: contract, id: newID())
                try await r.create(on: db)
                let after = r.response(ResponseContext(now: now))
                try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: Risk.entityType,
                                          entityID: r.id!.uuidString, after: after)
                created.append(after)
            }
            return AppliedChecklistResponse(created: created, skipped: skipped)
        }
        await MonitoringHooks.contractChanged(req.application, contractID)
        return try .json(result, status: .created)
    }
}

enum RiskQueries {
    /// The 5×5 heat map of a contract's non-closed risks, counted in SQL.
    static func heatMap(contractID: UUID, on db: any Database) async throws -> [HeatCell] {
        let rows = try await db.sql.raw("""
            SELECT likelihood, impact, COUNT(*) AS n FROM risks
            WHERE contract_id = \(bind: contractID) AND status <> \(bind: RiskStatus.closed.rawValue)
            GROUP BY likelihood, impact
            """).all()
        var counts: [Int: Int] = [:]
        for row in rows {
            let l = try row.decode(column: "likelihood", as: Int.self), i = try row.decode(column: "impact", as: Int.self)
            counts[l * 10 + i] = try row.decode(column: "n", as: Int.self)
        }
        var cells: [HeatCell] = []
        for l in 1...5 { for i in 1...5 { cells.append(HeatCell(likelihood: l, impact: i, count: counts[l * 10 + i] ?? 0)) } }
        return cells
    }

    static func item(_ i: RiskChecklist.Item) -> ChecklistItemResponse {
        ChecklistItemResponse(description: i.description, category: i.category, likelihood: i.likelihood, impact: i.impact,
                              mitigation: i.mitigation,
                              trigger: RiskTriggerDTO(kind: i.trigger.kind, days: i.trigger.days, milestoneId: i.trigger.milestoneId,
                                                      percent: i.trigger.percent))
    }
}

/// Re-evaluation when the data a trigger reads changes (issue #4). Runs after the change committed, in its own
/// transaction; a failure is logged and left to the sweeper, never turned into an error for the caller.
enum MonitoringHooks {
    static func contractChanged(_ app: Application, _ contractID: UUID, actor: Actor = .system) async {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        do {
            _ = try await Store.write(app) { db in
                try await RiskEngine.evaluate(contractIDs: [contractID], on: db, ctx: ctx)
            }
        } catch {
            app.logger.error("re-evaluation failed", metadata: ["component": "monitoring", "contract": "\(contractID)",
                                                                "error": "\(String(reflecting: error))"])
        }
    }

    static func milestoneChanged(_ app: Application, _ milestoneID: UUID) async {
        guard let m = try? await Milestone.find(milestoneID, on: app.db) else { return }
        await contractChanged(app, m.$contract.id)
    }
}
