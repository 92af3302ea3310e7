import Fluent
import Foundation
import SQLKit
import Vapor

/// `/api/v1/service-requests`, checklist items, objections.
struct ServiceRequestAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("service-requests")
        r.get(use: list)
        r.post(use: create)
        r.get(":id", use: show)
        r.post(":id", "events", use: record)
        r.get(":id", "events", use: events)
        r.get(":id", "checklist", use: checklist)
        r.post(":id", "rating", use: rate)
        r.post(":id", "rating-link", use: ratingLink)
        r.get(":id", "follow-ups", use: followUps)
        r.post(":id", "follow-ups", use: addFollowUp)
        r.get(":id", "objections", use: objections)
        r.post(":id", "objections", use: addObjection)
        routes.patch("checklist-items", ":id", use: tick)
        routes.get("objections", ":id", use: objection)
        routes.post("objections", ":id", "resolve", use: resolveObjection)
    }

    /// Filters: `status` (`open` = not closed or rejected, or an exact status), `urgency`, `type`, `customer_id`,
    /// `contract_id`, `engineer_id`, `breached`, `q` (number, title or description contains). `sort=due` orders by the
    /// nearest deadline (requests without a running clock last); its cursor is an offset.
    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceRequest)
        let filter = try ServiceRequestFilter(req)
        let ctx = ResponseContext(now: req.now)
        if req.query[String.self, at: "sort"] == "due" {
            let (rows, next) = try await ServiceRequestQueries.queue(filter, on: req.db)
            return try .json(Page(items: rows.map { $0.response(ctx) }, nextCursor: next))
        }
        let page = try PageRequest(req)
        if let fast = try await ServiceRequestList.page(filter, page, on: req.db) { return try .json(fast) }
        let rows = try await page.apply(filter.apply(ServiceRequest.query(on: req.db))).all()
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .serviceRequest)
        let input = try req.decodeJSON(ServiceRequestCreateInput.self)
        let created = try await ServiceRequestService.create(req.application, actor: req.actor, input)
        return try .json(created, status: .created, version: created.request.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceRequest)
        let d = try await ServiceRequestService.detail(try req.pathID(entity: "service_request"), on: req.db, now: req.now,
                                                       clocks: req.application.serviceClocks)
        return try .json(d, version: d.request.version)
    }

    @Sendable func record(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        let id = try req.pathID(entity: "service_request")
        try await EngineerScope.requireOwn(req, requestID: id)
        let input = try req.decodeJSON(RequestEventInput.self)
        let d = try await ServiceRequestService.record(req.application, actor: req.actor, id: id,
                                                       expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(d, version: d.request.version)
    }

    @Sendable func events(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceRequest)
        let r = try await Writes.find(ServiceRequest.self, try req.pathID(entity: "service_request"), on: req.db)
        let page = try PageRequest(req)
        let rows = try await page.apply(ServiceRequestEvent.query(on: req.db).filter(\.$requestID == r.id!)).all()
        return try .json(page.page(rows) { RequestEventResponse($0) })
    }

    @Sendable func checklist(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceRequest)
        let r = try await Writes.find(ServiceRequest.self, try req.pathID(entity: "service_request"), on: req.db)
        let rows = try await ChecklistItem.query(on: req.db).filter(\.$requestID == r.id!).sort(\.$position).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(Page(items: rows.map { $0.response(ctx) }, nextCursor: nil))
    }

    @Sendable func tick(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        try await EngineerScope.requireOwn(req, checklistItemID: try req.pathID(entity: "checklist_item"))
        let input = try req.decodeJSON(ChecklistTickInput.self)
        let item = try await WorkInstructionService.tick(req.application, actor: req.actor, itemID: try req.pathID(entity: "checklist_item"),
                                                         expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(item, version: item.version)
    }

    @Sendable func rate(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        try await EngineerScope.requireOwn(req, requestID: try req.pathID(entity: "service_request"))
        let input = try req.decodeJSON(RatingInput.self)
        let r = try await SatisfactionService.rate(req.application, actor: req.actor, requestID: try req.pathID(entity: "service_request"), input)
        return try .json(r, status: .created)
    }

    @Sendable func ratingLink(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        try await EngineerScope.requireOwn(req, requestID: try req.pathID(entity: "service_request"))
        let link = try await SatisfactionService.createLink(req.application, actor: req.actor, requestID: try req.pathID(entity: "service_request"))
        return try .json(link, status: .created)
    }

    @Sendable func followUps(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceRequest)
        let r = try await Writes.find(ServiceRequest.self, try req.pathID(entity: "service_request"), on: req.db)
        let rows = try await FollowUp.query(on: req.db).filter(\.$requestID == r.id!).sort(\.$calledAt).all()
        return try .json(Page(items: rows.map { FollowUpResponse($0) }, nextCursor: nil))
    }

    @Sendable func addFollowUp(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        try await EngineerScope.requireOwn(req, requestID: try req.pathID(entity: "service_request"))
        let input = try req.decodeJSON(FollowUpInput.self)
        let f = try await SatisfactionService.recordFollowUp(req.application, actor: req.actor, requestID: try req.pathID(entity: "service_request"), input)
        return try .json(f, status: .created)
    }

    @Sendable func objections(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceRequest)
        let r = try await Writes.find(ServiceRequest.self, try req.pathID(entity: "service_request"), on: req.db)
        let rows = try await Objection.query(on: req.db).filter(\.$requestID == r.id!).sort(\.$raisedAt).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(Page(items: rows.map { $0.response(ctx) }, nextCursor: nil))
    }

    @Sendable func addObjection(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        try await EngineerScope.requireOwn(req, requestID: try req.pathID(entity: "service_request"))
        let input = try req.decodeJSON(ObjectionInput.self)
        let o = try await SatisfactionService.raiseObjection(req.application, actor: req.actor, requestID: try req.pathID(entity: "service_request"), input)
        return try .json(o, status: .created, version: o.version)
    }

    @Sendable func objection(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .serviceRequest)
        let o = try await Writes.find(Objection.self, try req.pathID(entity: "objection"), on: req.db)
        return try .json(o.response(ResponseContext(now: req.now)), version: o.version)
    }

    @Sendable func resolveObjection(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .serviceRequest)
        try await EngineerScope.requireOwn(req, objectionID: try req.pathID(entity: "objection"))
        let input = try req.decodeJSON(ObjectionResolveInput.self)
        let o = try await SatisfactionService.resolveObjection(req.application, actor: req.actor, id: try req.pathID(entity: "objection"),
                                                               expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(o, version: o.version)
    }
}

/// The list filters, shared by the API and the desk page.
struct ServiceRequestFilter: Sendable {
    var status: String?
    var urgency: Urgency?
    var type: RequestType?
    var customerID: UUID?
    var contractID: UUID?
    var engineerID: UUID?
    var breached: Bool?
    var q: String?
    var offset = 0
    var limit = 50

    init() {}

    init(_ req: Request) throws {
        var check = FieldCheck()
        if let s = req.query[String.self, at: "status"], !s.isEmpty {
            if s == "open" || RequestStatus(rawValue: s) != nil { status = s } else {
                check.fail("status", "must be open or one of: " + RequestStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
        }
        if let u = req.query[String.self, at: "urgency"], !u.isEmpty { urgency = check.oneOf(u, "urgency", Urgency.self) }
        if let t = req.query[String.self, at: "type"], !t.isEmpty { type = check.oneOf(t, "type", RequestType.self) }
        if let b = req.query[String.self, at: "breached"], !b.isEmpty {
            if b == "true" { breached = true } else if b == "false" { breached = false } else { check.fail("breached", "must be true or false") }
        }
        if let q = req.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            if q.count > 100 { check.fail("q", "must be at most 100 characters") } else { self.q = q }
        }
        if let l = req.query[String.self, at: "limit"] {
            if let n = Int(l), (1...200).contains(n) { limit = n } else { check.fail("limit", "must be an integer between 1 and 200") }
        }
        if req.query[String.self, at: "sort"] == "due", let c = req.query[String.self, at: "cursor"], !c.isEmpty {
            if let n = Int(c), n >= 0 { offset = n } else { check.fail("cursor", "is not a cursor returned by this list") }
        }
        try check.throwIfAny()
        customerID = try req.uuidQuery("customer_id")
        contractID = try req.uuidQuery("contract_id")
        engineerID = try req.uuidQuery("engineer_id")
    }

    func apply(_ q: QueryBuilder<ServiceRequest>) -> QueryBuilder<ServiceRequest> {
        if let status {
            if status == "open" { q.filter(\.$status !~ [.closed, .rejected]) } else if let s = RequestStatus(rawValue: status) { q.filter(\.$status == s) }
        }
        if let urgency { q.filter(\.$urgency == urgency) }
        if let type { q.filter(\.$type == type) }
        if let customerID { q.filter(\.$customerID == customerID) }
        if let contractID { q.filter(\.$contractID == contractID) }
        if let engineerID { q.filter(\.$engineerID == engineerID) }
        if let breached { q.filter(\.$breached == breached) }
        if let text = self.q {
            q.group(.or) { g in
                g.filter(\.$number ~~ text)
                g.filter(\.$title ~~ text)
                g.filter(\.$summary ~~ text)
            }
        }
        return q
    }
}

enum ServiceRequestQueries {
    /// The desk queue: nearest running deadline first (in SQL, on the indexed `next_due_at`), then the rest newest first.
    static func queue(_ filter: ServiceRequestFilter, on db: any Database) async throws -> ([ServiceRequest], String?) {
        let q = filter.apply(ServiceRequest.query(on: db))
            .sort(.sql(unsafeRaw: "CASE WHEN next_due_at IS NULL THEN 1 ELSE 0 END"))
            .sort(\.$nextDueAt, .ascending)
            .sort(\.$id, .descending)
            .offset(filter.offset).limit(filter.limit + 1)
        let rows = try await q.all()
        let more = rows.count > filter.limit
        return (Array(rows.prefix(filter.limit)), more ? String(filter.offset + filter.limit) : nil)
    }
}
