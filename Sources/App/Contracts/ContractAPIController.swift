import Fluent
import Vapor
import LvyueCore

/// A model that belongs to one contract (clauses, responsibilities, milestones, payment nodes).
protocol ContractChild: AuditedModel {
    var contractKey: ParentProperty<Self, Contract> { get }
}

extension Clause: ContractChild { var contractKey: ParentProperty<Clause, Contract> { $contract } }
extension Responsibility: ContractChild { var contractKey: ParentProperty<Responsibility, Contract> { $contract } }
extension Milestone: ContractChild { var contractKey: ParentProperty<Milestone, Contract> { $contract } }
extension PaymentNode: ContractChild { var contractKey: ParentProperty<PaymentNode, Contract> { $contract } }

/// The five routes every contract child has: list and create under `/contracts/:id/<path>`,
/// read, patch and delete under `/<path>/:id`.
struct ContractChildRoutes<Input: ResourceInput> where Input.Target: ContractChild {
    let path: PathComponent
    let resource: Resource

    func register(on routes: any RoutesBuilder) {
        // ":id", as on /contracts/:id — RoutingKit refuses two parameter names at one position.
        routes.get("contracts", ":id", path, use: list)
        routes.post("contracts", ":id", path, use: create)
        routes.get(path, ":id", use: show)
        routes.patch(path, ":id", use: update)
        routes.delete(path, ":id", use: delete)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, resource)
        let contract = try await Writes.find(Contract.self, try req.pathID("id", entity: "contract"), on: req.db)
        let page = try PageRequest(req)
        let query = Input.Target.query(on: req.db).filter(.path(["contract_id"], schema: Input.Target.schema), .equal, .bind(contract.id!))
        let rows = try await page.apply(query).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, resource)
        let contractID = try req.pathID("id", entity: "contract")
        let input = try req.decodeJSON(Input.self)
        _ = try await Writes.find(Contract.self, contractID, on: req.db)
        let model = Input.Target()
        model.contractKey.id = contractID
        model.id = req.deps.newID()
        let pending = model
        // Validate (including references) inside the write so nothing lands when a rule fails.
        let created = try await Writes.create(req.application, actor: req.actor, pending, prepare: { db in
            try await input.apply(to: pending, creating: true, db: db)
        })
        await MonitoringHooks.contractChanged(req.application, contractID)  // issue #4: triggers read milestones and payments
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, resource)
        let model = try await Writes.find(Input.Target.self, try req.pathID(entity: Input.Target.entityType), on: req.db)
        return try .json(model.response(ResponseContext(now: req.now)), version: model.version)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try Permissions.require(req, .update, resource)
        let input = try req.decodeJSON(Input.self)
        let updated = try await Writes.update(req.application, actor: req.actor, Input.Target.self,
                                              id: try req.pathID(entity: Input.Target.entityType),
                                              expectedVersion: try Precondition.expectedVersion(req)) { model, db in
            try await input.apply(to: model, creating: false, db: db)
        }
        if let model = try await Input.Target.find(try req.pathID(entity: Input.Target.entityType), on: req.db) {
            await MonitoringHooks.contractChanged(req.application, model.contractKey.id)  // issue #4
        }
        return try .json(updated, version: updated.version)
    }

    @Sendable func delete(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, resource)
        let id = try req.pathID(entity: Input.Target.entityType)
        let contractID = try await Input.Target.find(id, on: req.db)?.contractKey.id
        try await Writes.delete(req.application, actor: req.actor, Input.Target.self, id: id,
                                expectedVersion: try Precondition.expectedVersion(req))
        if let contractID { await MonitoringHooks.contractChanged(req.application, contractID) }  // issue #4
        return Response(status: .noContent)
    }
}

struct ContractAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let contracts = routes.grouped("contracts")
        contracts.get(use: list)
        contracts.post(use: create)
        contracts.get(":id", use: show)
        contracts.patch(":id", use: update)
        contracts.delete(":id", use: delete)

        ContractChildRoutes<ClauseInput>(path: "clauses", resource: .clause).register(on: routes)
        ContractChildRoutes<ResponsibilityInput>(path: "responsibilities", resource: .responsibility).register(on: routes)
        ContractChildRoutes<MilestoneInput>(path: "milestones", resource: .milestone).register(on: routes)
        ContractChildRoutes<PaymentInput>(path: "payments", resource: .payment).register(on: routes)

        routes.get("milestones", ":id", "updates", use: listUpdates)
        routes.post("milestones", ":id", "updates", use: recordUpdate)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .contract)
        let filter = try ContractFilter(req)
        let page = try PageRequest(req)
        let rows = try await page.apply(filter.query(on: req.db)).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .contract)
        let input = try req.decodeJSON(ContractInput.self)
        let contract = Contract()
        contract.id = req.deps.newID()
        let created = try await ContractTeam.createContract(req.application, actor: req.actor, contract, input: input)
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .contract)
        let c = try await Writes.find(Contract.self, try req.pathID(entity: "contract"), on: req.db)
        return try .json(c.response(ResponseContext(now: req.now)), version: c.version)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .contract)
        let input = try req.decodeJSON(ContractInput.self)
        let updated = try await Writes.update(req.application, actor: req.actor, Contract.self, id: try req.pathID(entity: "contract"),
                                              expectedVersion: try Precondition.expectedVersion(req)) { contract, db in
            try await input.apply(to: contract, creating: false, db: db)
        }
        await MonitoringHooks.contractChanged(req.application, updated.id)  // issue #4: status and dates feed the triggers
        return try .json(updated, version: updated.version)
    }

    /// Only drafts can be deleted; a contract that was ever active is terminated or closed instead, so its record stays.
    @Sendable func delete(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .contract)
        try await Writes.delete(req.application, actor: req.actor, Contract.self, id: try req.pathID(entity: "contract"),
                                expectedVersion: try Precondition.expectedVersion(req)) { contract, _ in
            guard contract.status == .draft else {
                throw AppError.conflict(code: "not_draft", message: "only draft contracts can be deleted; terminate or close it instead")
            }
        }
        return Response(status: .noContent)
    }

    @Sendable func listUpdates(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .milestone)
        let milestone = try await Writes.find(Milestone.self, try req.pathID(entity: "milestone"), on: req.db)
        let page = try PageRequest(req)
        let rows = try await page.apply(MilestoneUpdate.query(on: req.db).filter(\.$milestone.$id == milestone.id!)).all()
        return try .json(page.page(rows) { MilestoneUpdateResponse($0) })
    }

    @Sendable func recordUpdate(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .milestone)
        let input = try req.decodeJSON(MilestoneUpdateInput.self).validated()
        let result = try await MilestoneService.recordUpdate(req.application, actor: req.actor,
                                                             milestoneID: try req.pathID(entity: "milestone"),
                                                             expectedVersion: try Precondition.expectedVersion(req), input)
        await MonitoringHooks.contractChanged(req.application, result.milestone.contractId)  // issue #4
        return try .json(result, status: .created)
    }
}

/// Filters of the contract list: `q` (number or title), `status`, `customer_id`, `category`, `owner_id`, `department_id`.
struct ContractFilter {
    var text: String?
    var status: ContractStatus?
    var customerID: UUID?
    var category: ContractCategory?
    var ownerID: UUID?
    var departmentID: UUID?

    init(_ req: Request) throws {
        var check = FieldCheck()
        text = req.query[String.self, at: "q"].flatMap { $0.isEmpty ? nil : $0 }
        if let s = req.query[String.self, at: "status"], !s.isEmpty { status = check.oneOf(s, "status", ContractStatus.self) }
        if let c = req.query[String.self, at: "category"], !c.isEmpty { category = check.oneOf(c, "category", ContractCategory.self) }
        try check.throwIfAny()
        customerID = try req.uuidQuery("customer_id")
        ownerID = try req.uuidQuery("owner_id")
        departmentID = try req.uuidQuery("department_id")
    }

    func query(on db: any Database) -> QueryBuilder<Contract> {
        let q = Contract.query(on: db)
        if let text { q.group(.or) { $0.filter(\.$number ~~ text).filter(\.$title ~~ text) } }
        if let status { q.filter(\.$status == status) }
        if let customerID { q.filter(\.$customer.$id == customerID) }
        if let category { q.filter(\.$category == category) }
        if let ownerID { q.filter(\.$owner.$id == ownerID) }
        if let departmentID { q.filter(\.$department.$id == departmentID) }
        return q
    }
}

struct MilestoneUpdateResult: Content {
    var update: MilestoneUpdateResponse
    var milestone: MilestoneResponse
}

enum MilestoneService {
    /// Records a progress report and applies it to the milestone, in one transaction with one audit event.
    static func recordUpdate(_ app: Application, actor: Actor, milestoneID: UUID, expectedVersion: Int?,
                             _ input: MilestoneUpdateInput.Valid) async throws -> MilestoneUpdateResult {
        let now = app.deps.now()
        let ctx = ResponseContext(now: now)
        let updateID = app.deps.newID()
        return try await Store.write(app) { db in
            let m = try await Writes.find(Milestone.self, milestoneID, on: db)
            try Precondition.check(expectedVersion, against: m)
            let before = m.response(ctx)
            let u = MilestoneUpdate()
            u.id = updateID
            u.$milestone.id = milestoneID
            u.progress = input.progress
            u.note = input.note
            u.actualOn = input.actualOn?.description
            u.delayCause = input.delayCause
            u.delayReason = input.delayReason
            u.nextStep = input.nextStep
            u.authorID = actor.id
            u.authorName = actor.name
            u.recordedAt = now
            try await u.create(on: db)

            m.progress = input.actualOn != nil ? 100 : input.progress
            if let actual = input.actualOn { m.actualOn = actual.description }
            if let cause = input.delayCause { m.delayCause = cause }
            if let reason = input.delayReason { m.delayReason = reason }
            if let next = input.nextStep { m.nextStep = next }
            m.version += 1
            try await m.update(on: db)
            let after = m.response(ctx)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "progress_update", entityType: Milestone.entityType,
                                      entityID: milestoneID.uuidString, before: before, after: after)
            return MilestoneUpdateResult(update: MilestoneUpdateResponse(u), milestone: after)
        }
    }
}
