import Fluent
import LvyueCore
import Vapor

/// The report's inputs from a query string or form: `quarter` (2026Q3) and the filters `customer_id`,
/// `department_id`, `category`. Every bad field is a 422 naming it.
struct ReportParams: Sendable {
    var quarter: Quarter
    var filters: QuarterlyReport.Filters

    init(quarter: String?, customerID: String?, departmentID: String?, category: String?) throws {
        var check = FieldCheck()
        var q: Quarter?
        if let raw = quarter, !raw.isEmpty {
            switch Quarter.parse(raw) {
            case .success(let v): q = v
            case .failure(let e): check.fail("quarter", e.reason)
            }
        } else { check.fail("quarter", "is required, e.g. 2026Q3") }
        var f = QuarterlyReport.Filters()
        if let c = customerID, !c.isEmpty { if let id = UUID(uuidString: c) { f.customerId = id } else { check.fail("customer_id", "must be an id") } }
        if let d = departmentID, !d.isEmpty { if let id = UUID(uuidString: d) { f.departmentId = id } else { check.fail("department_id", "must be an id") } }
        if let c = category, !c.isEmpty { f.category = check.oneOf(c, "category", ContractCategory.self) }
        try check.throwIfAny()
        self.quarter = q!
        self.filters = f
    }

    init(query req: Request) throws {
        try self.init(quarter: req.query[String.self, at: "quarter"], customerID: req.query[String.self, at: "customer_id"],
                      departmentID: req.query[String.self, at: "department_id"], category: req.query[String.self, at: "category"])
    }
}

struct SnapshotInput: Decodable, Sendable {
    var quarter: String?
    var customerId: String?
    var departmentId: String?
    var category: String?
    var replace: Bool?
}

struct ReportAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("reports", "quarterly")
        r.get(use: quarterly)
        r.post("freeze", use: freeze).runningLong()
        r.post("unfreeze", use: unfreeze).runningLong()
        let a = routes.grouped("improvement-actions")
        a.get(use: list)
        a.post(use: create)
        a.get(":id", use: show)
        a.patch(":id", use: update)
        a.delete(":id", use: delete)
    }

    @Sendable func quarterly(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .report)
        let p = try ReportParams(query: req)
        return try .json(try await QuarterlyReportService.report(p.quarter, filters: p.filters, on: req.db, now: req.now))
    }

    @Sendable func freeze(req: Request) async throws -> Response {
        let input = try req.decodeJSON(SnapshotInput.self)
        let replace = input.replace ?? false
        try Permissions.require(req, replace ? .update : .create, .report)
        let p = try ReportParams(quarter: input.quarter, customerID: input.customerId, departmentID: input.departmentId, category: input.category)
        let report = try await ReportSnapshots.freeze(req.application, actor: req.actor, quarter: p.quarter, filters: p.filters, replace: replace)
        return try .json(report, status: .created)
    }

    @Sendable func unfreeze(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .report)
        let input = try req.decodeJSON(SnapshotInput.self)
        let p = try ReportParams(quarter: input.quarter, customerID: input.customerId, departmentID: input.departmentId, category: input.category)
        try await ReportSnapshots.unfreeze(req.application, actor: req.actor, quarter: p.quarter, filters: p.filters)
        return Response(status: .noContent)
    }

    /// Filters: `status` (an exact status, or `open` = planned or in progress), `quarter`, `owner_department_id`, `overdue=true`.
    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .improvementAction)
        let page = try PageRequest(req)
        var check = FieldCheck()
        let q = ImprovementAction.query(on: req.db)
        let today = LocalDate(date: req.now, in: JSONCoding.displayTimeZone).description
        if let s = req.query[String.self, at: "status"], !s.isEmpty {
            if s == "open" { q.filter(\.$status ~~ [.planned, .inProgress]) } else if let st = check.oneOf(s, "status", ActionStatus.self) {
                q.filter(\.$status == st)
            }
        }
        if let s = req.query[String.self, at: "quarter"], !s.isEmpty {
            if case .failure(let e) = Quarter.parse(s) { check.fail("quarter", e.reason) } else { q.filter(\.$quarter == Quarter(s)!.description) }
        }
        if let s = req.query[String.self, at: "overdue"], !s.isEmpty {
            switch s {
            case "true": q.filter(\.$status ~~ [.planned, .inProgress]).filter(\.$dueOn < today)
            case "false": break
            default: check.fail("overdue", "must be true or false")
            }
        }
        try check.throwIfAny()
        if let d = try req.uuidQuery("owner_department_id") { q.filter(\.$ownerDepartmentID == d) }
        let rows = try await page.apply(q).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .improvementAction)
        let created = try await ImprovementActionService.create(req.application, actor: req.actor, try req.decodeJSON(ImprovementActionInput.self))
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .improvementAction)
        let a = try await Writes.find(ImprovementAction.self, try req.pathID(entity: ImprovementAction.entityType), on: req.db)
        return try .json(a.response(ResponseContext(now: req.now)), version: a.version)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .improvementAction)
        let id = try req.pathID(entity: ImprovementAction.entityType)
        let input = try req.decodeJSON(ImprovementActionPatch.self)
        let updated = try await ImprovementActionService.update(req.application, user: try req.user, id: id,
                                                                expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(updated, version: updated.version)
    }

    @Sendable func delete(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .improvementAction)
        try await ImprovementActionService.delete(req.application, actor: req.actor, id: try req.pathID(entity: ImprovementAction.entityType),
                                                  expectedVersion: try Precondition.expectedVersion(req))
        return Response(status: .noContent)
    }
}
