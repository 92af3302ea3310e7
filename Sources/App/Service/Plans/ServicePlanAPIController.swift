import Fluent
import Foundation
import LvyueCore
import Vapor

/// `/api/v1/contracts/{id}/service-plan`, `/api/v1/service-plans`, `/api/v1/inspections`, `/api/v1/warranty`.
struct ServicePlanAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("contracts", ":id", "service-plan", use: ofContract)
        routes.post("contracts", ":id", "service-plan", use: create)
        let p = routes.grouped("service-plans")
        p.get(use: list)
        p.get(":id", use: show)
        p.patch(":id", use: update)
        p.get(":id", "notice", use: notice)
        p.get(":id", "notices", use: notices)
        p.post(":id", "notices", use: recordNotice)
        p.get(":id", "inspections", use: inspections)
        routes.get("inspections", ":id", use: inspection)
        routes.post("inspections", ":id", "confirm", use: confirmInspection)
        routes.post("inspections", ":id", "result", use: inspectionResult)
        routes.get("warranty", use: warranty)
    }

    @Sendable func ofContract(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        let cid = try req.pathID(entity: "contract")
        guard try await Contract.find(cid, on: req.db) != nil else { throw AppError.notFound(entity: "contract", id: cid.uuidString) }
        guard let plan = try await ServicePlan.query(on: req.db).filter(\.$contractID == cid).first() else {
            throw AppError.notFound(entity: "service plan of contract", id: cid.uuidString)
        }
        return try await respond(plan, req)
    }

    private func respond(_ plan: ServicePlan, _ req: Request, status: HTTPResponseStatus = .ok) async throws -> Response {
        var r = plan.response(ResponseContext(now: req.now))
        r.noticeSentAt = try await ServiceNotice.query(on: req.db).filter(\.$planID == plan.id!).sort(\.$sentAt, .descending).first()?.sentAt
        return try .json(r, status: status, version: r.version)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .servicePlan)
        let input = try req.decodeJSON(ServicePlanInput.self)
        let created = try await ServicePlanService.create(req.application, actor: req.actor, contractID: try req.pathID(entity: "contract"), input)
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        let page = try PageRequest(req)
        let q = ServicePlan.query(on: req.db)
        if let c = try req.uuidQuery("customer_id") { q.filter(\.$customerID == c) }
        if let c = try req.uuidQuery("contract_id") { q.filter(\.$contractID == c) }
        let rows = try await page.apply(q).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        return try await respond(try await Writes.find(ServicePlan.self, try req.pathID(entity: "service_plan"), on: req.db), req)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .servicePlan)
        let input = try req.decodeJSON(ServicePlanInput.self)
        let updated = try await ServicePlanService.update(req.application, actor: req.actor, id: try req.pathID(entity: "service_plan"),
                                                          expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(updated, version: updated.version)
    }

    /// The printable 后期服务启动通知 (HTML).
    @Sendable func notice(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        return try await NoticePage.render(req, planID: try req.pathID(entity: "service_plan"))
    }

    @Sendable func notices(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        let plan = try await Writes.find(ServicePlan.self, try req.pathID(entity: "service_plan"), on: req.db)
        let rows = try await ServiceNotice.query(on: req.db).filter(\.$planID == plan.id!).sort(\.$sentAt).all()
        return try .json(Page(items: rows.map { NoticeResponse($0) }, nextCursor: nil))
    }

    @Sendable func recordNotice(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .servicePlan)
        let input = try req.decodeJSON(NoticeInput.self)
        let n = try await ServicePlanService.recordNotice(req.application, actor: req.actor, planID: try req.pathID(entity: "service_plan"), input)
        return try .json(n, status: .created)
    }

    @Sendable func inspections(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        let plan = try await Writes.find(ServicePlan.self, try req.pathID(entity: "service_plan"), on: req.db)
        let rows = try await Inspection.query(on: req.db).filter(\.$planID == plan.id!).sort(\.$sequence).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(Page(items: rows.map { $0.response(ctx) }, nextCursor: nil))
    }

    @Sendable func inspection(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        let i = try await Writes.find(Inspection.self, try req.pathID(entity: "inspection"), on: req.db)
        return try .json(i.response(ResponseContext(now: req.now)), version: i.version)
    }

    @Sendable func confirmInspection(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        let input = try req.decodeJSON(InspectionConfirmInput.self)
        let i = try await InspectionService.confirm(req.application, actor: req.actor, id: try req.pathID(entity: "inspection"),
                                                    expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(i, version: i.version)
    }

    @Sendable func inspectionResult(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        let input = try req.decodeJSON(InspectionResultInput.self)
        let i = try await InspectionService.recordResult(req.application, actor: req.actor, id: try req.pathID(entity: "inspection"),
                                                         expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(i, version: i.version)
    }

    /// `?contract_id=…&date=YYYY-MM-DD` (date defaults to today): in warranty, or paid service.
    @Sendable func warranty(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .servicePlan)
        var check = FieldCheck()
        let day = check.day(req.query[String.self, at: "date"], "date")
        guard let cid = try req.uuidQuery("contract_id") else { throw AppError.invalid(fields: ["contract_id": "is required"]) }
        try check.throwIfAny()
        return try .json(try await ServicePlanService.warranty(contractID: cid, day: day ?? ResponseContext(now: req.now).today, on: req.db))
    }
}

/// `/api/v1/work-instructions`.
struct WorkInstructionAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("work-instructions", use: list)
        routes.post("work-instructions", use: create)
        routes.get("work-instructions", ":id", use: show)
    }

    /// Filters: `request_type`, `current=true`.
    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .workInstruction)
        var check = FieldCheck()
        let q = WorkInstruction.query(on: req.db)
        if let t = req.query[String.self, at: "request_type"], !t.isEmpty, let type = check.oneOf(t, "request_type", RequestType.self) {
            q.filter(\.$requestType == type)
        }
        if let c = req.query[String.self, at: "current"], !c.isEmpty {
            if c == "true" { q.filter(\.$current == true) } else if c == "false" { q.filter(\.$current == false) } else { check.fail("current", "must be true or false") }
        }
        try check.throwIfAny()
        let page = try PageRequest(req)
        let rows = try await page.apply(q).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .workInstruction)
        let input = try req.decodeJSON(WorkInstructionInput.self)
        let w = try await WorkInstructionService.publish(req.application, actor: req.actor, input)
        return try .json(w, status: .created, version: w.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .workInstruction)
        let w = try await Writes.find(WorkInstruction.self, try req.pathID(entity: "work_instruction"), on: req.db)
        return try .json(w.response(ResponseContext(now: req.now)), version: w.version)
    }
}

/// `/api/v1/intake/email` and the triage list.
struct IntakeAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.POST, "intake", "email", body: .collect(maxSize: "2mb"), use: email).runningLong()
        routes.get("intake", "triage", use: list)
        routes.get("intake", "triage", ":id", use: show)
        routes.post("intake", "triage", ":id", "create-request", use: createRequest)
        routes.post("intake", "triage", ":id", "discard", use: discard)
    }

    /// The raw RFC 5322 message as a mail relay posts it (`Content-Type: message/rfc822`).
    @Sendable func email(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .serviceTriage)
        let type = req.headers.contentType.map { "\($0.type)/\($0.subType)".lowercased() } ?? ""
        guard ["message/rfc822", "text/plain", "application/octet-stream"].contains(type) else {
            throw AppError.badRequest("Content-Type must be message/rfc822 (the raw message)")
        }
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw AppError.badRequest("the raw message is required as the body") }
        let result = try await EmailIntake.receive(req.application, actor: req.actor, raw: Data(buffer.readableBytesView))
        return try .json(result, status: result.outcome == "note" ? .ok : .created)
    }

    /// Filters: `status` (default pending).
    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceTriage)
        var check = FieldCheck()
        let status = check.oneOf(req.query[String.self, at: "status"] ?? "pending", "status", TriageStatus.self)
        try check.throwIfAny()
        let page = try PageRequest(req)
        let rows = try await page.apply(TriageItem.query(on: req.db).filter(\.$status == status!)).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceTriage)
        let t = try await Writes.find(TriageItem.self, try req.pathID(entity: "triage"), on: req.db)
        return try .json(t.response(ResponseContext(now: req.now)), version: t.version)
    }

    @Sendable func createRequest(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceTriage)
        try Permissions.require(req, .create, .serviceRequest)
        let input = try req.decodeJSON(TriageCreateInput.self)
        let d = try await EmailIntake.createRequest(req.application, actor: req.actor, triageID: try req.pathID(entity: "triage"),
                                                    expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(d, status: .created, version: d.request.version)
    }

    @Sendable func discard(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceTriage)
        let t = try await EmailIntake.discard(req.application, actor: req.actor, triageID: try req.pathID(entity: "triage"),
                                              expectedVersion: try Precondition.expectedVersion(req))
        return try .json(t, version: t.version)
    }
}

/// The API routes of after-sales service (issue #6), registered from `routes.swift` in one line.
enum ServiceRoutes {
    static func register(on authed: any RoutesBuilder) throws {
        try authed.register(collection: ServicePlanAPIController())
        try authed.register(collection: ServiceRequestAPIController())
        try authed.register(collection: WorkInstructionAPIController())
        try authed.register(collection: IntakeAPIController())
    }
}
