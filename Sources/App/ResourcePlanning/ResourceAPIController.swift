import Fluent
import LvyueCore
import SQLKit
import Vapor

/// Issue #10 API: resource plans per milestone, department capacity, absences and load, risk review meetings.
struct ResourceAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("milestones", ":id", "resource-lines", use: listForMilestone)
        routes.post("milestones", ":id", "resource-lines", use: create)
        routes.get("resource-lines", use: list)
        routes.get("resource-lines", ":id", use: show)
        routes.patch("resource-lines", ":id", use: update)
        routes.delete("resource-lines", ":id", use: delete)
        routes.get("resource-status", use: status)
        routes.get("departments", ":id", "capacity", use: capacity)
        routes.put("departments", ":id", "capacity", use: setCapacity)
        routes.get("departments", ":id", "load", use: load)
        routes.get("absences", use: absences)
        routes.post("absences", use: createAbsence)
        routes.get("absences", ":id", use: showAbsence)
        routes.delete("absences", ":id", use: deleteAbsence)
        routes.get("contracts", ":id", "risk-reviews", use: reviews)
        routes.post("contracts", ":id", "risk-reviews", use: createReview)
        routes.get("risk-reviews", ":id", use: showReview)
        routes.patch("risk-reviews", ":id", use: updateReview)
        routes.delete("risk-reviews", ":id", use: deleteReview)
    }

    // MARK: resource lines

    @Sendable func listForMilestone(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .resourcePlan)
        let m = try await Writes.find(Milestone.self, try req.pathID(entity: "milestone"), on: req.db)
        let page = try PageRequest(req)
        var check = FieldCheck()
        let kind = req.query[String.self, at: "kind"].flatMap { $0.isEmpty ? nil : check.oneOf($0, "kind", ResourceKind.self) }
        try check.throwIfAny()
        let q = ResourceLine.query(on: req.db).filter(\.$milestoneID == m.id!)
        if let kind { q.filter(\.$kind == kind) }
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(try await page.apply(q).all()) { $0.response(ctx) })
    }

    /// Across contracts: purchasing's materials, finance's funds, a department's people; `pending=true` keeps materials
    /// not yet arrived and funds not yet approved.
    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .resourcePlan)
        let page = try PageRequest(req)
        var check = FieldCheck()
        let kind = req.query[String.self, at: "kind"].flatMap { $0.isEmpty ? nil : check.oneOf($0, "kind", ResourceKind.self) }
        let pendingRaw = req.query[String.self, at: "pending"]
        if let p = pendingRaw, !["true", "false", ""].contains(p) { check.fail("pending", "must be true or false") }
        try check.throwIfAny()
        let contract = try req.uuidQuery("contract_id")
        let department = try req.uuidQuery("department_id")
        let q = ResourceLine.query(on: req.db)
        if let kind { q.filter(\.$kind == kind) }
        if let contract { q.filter(\.$contractID == contract) }
        if let department { q.filter(\.$departmentID == department) }
        if pendingRaw == "true" {
            q.group(.or) { or in
                or.group(.and) { $0.filter(\.$kind == .material).filter(\.$arrivedOn == nil) }
                or.group(.and) { $0.filter(\.$kind == .fund).filter(\.$approved == false) }
            }
        }
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(try await page.apply(q).all()) { $0.response(ctx) })
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .resourcePlan)
        let milestoneID = try req.pathID(entity: "milestone")
        let input = try req.decodeJSON(ResourceLineInput.self)
        let m = try await Writes.find(Milestone.self, milestoneID, on: req.db)
        let line = ResourceLine()
        line.id = req.deps.newID()
        line.milestoneID = milestoneID
        line.contractID = m.$contract.id
        let approver = Self.approver(req)
        let now = req.now
        let created = try await Writes.create(req.application, actor: req.actor, line, prepare: { db in
            try await input.apply(to: line, creating: true, approver: approver, now: now, db: db)
        })
        await MonitoringHooks.contractChanged(req.application, m.$contract.id)
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .resourcePlan)
        let l = try await Writes.find(ResourceLine.self, try req.pathID(entity: "resource line"), on: req.db)
        return try .json(l.response(ResponseContext(now: req.now)), version: l.version)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let input = try req.decodeJSON(ResourceLineInput.self)
        // Approving funds is finance's; anything else is the plan's editors'.
        let onlyApproval = input.presentFields.subtracting(["approved"]).isEmpty && input.note.isAbsent && input.kind.isAbsent
            && !input.approved.isAbsent
        try Permissions.require(req, onlyApproval && Self.approver(req) != nil ? .approve : .update, .resourcePlan)
        let id = try req.pathID(entity: "resource line")
        let approver = Self.approver(req)
        let now = req.now
        let updated = try await Writes.update(req.application, actor: req.actor, ResourceLine.self, id: id,
                                              expectedVersion: try Precondition.expectedVersion(req)) { line, db in
            try await input.apply(to: line, creating: false, approver: approver, now: now, db: db)
        }
        await MonitoringHooks.contractChanged(req.application, updated.contractId)
        return try .json(updated, version: updated.version)
    }

    @Sendable func delete(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .resourcePlan)
        let id = try req.pathID(entity: "resource line")
        let line = try await Writes.find(ResourceLine.self, id, on: req.db)
        try await Writes.delete(req.application, actor: req.actor, ResourceLine.self, id: id, expectedVersion: try Precondition.expectedVersion(req))
        await MonitoringHooks.contractChanged(req.application, line.contractID)
        return Response(status: .noContent)
    }

    static func approver(_ req: Request) -> String? {
        guard let u = req.auth.get(User.self), Permissions.allows(u.role, .approve, .resourcePlan) else { return nil }
        return u.displayName
    }

    // MARK: resource status (the dashboard's 资源配置状态 panel)

    @Sendable func status(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .resourcePlan)
        let contract = try req.uuidQuery("contract_id")
        return try .json(ResourceStatusResponse(items: try await ResourceStatusService.status(contractID: contract, today: ResponseContext(now: req.now).today, on: req.db)))
    }

    // MARK: capacity and load

    @Sendable func capacity(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .resourceCapacity)
        let d = try await Writes.find(Department.self, try req.pathID(entity: "department"), on: req.db)
        let c = try await DepartmentCapacity.query(on: req.db).filter(\.$departmentID == d.id!).first()
        let r = CapacityResponse(departmentId: d.id!, headcount: c?.headcount ?? 0, calendarId: c?.calendarID ?? LoadService.defaultCalendar,
                                 version: c?.version ?? 0)
        return try .json(r, version: r.version)
    }

    @Sendable func setCapacity(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .resourceCapacity)
        let departmentID = try req.pathID(entity: "department")
        _ = try await Writes.find(Department.self, departmentID, on: req.db)
        let input = try req.decodeJSON(CapacityInput.self)
        var check = FieldCheck()
        let headcount = check.range(input.headcount, "headcount", 0...100_000)
        let calendarID = check.text(input.calendarId ?? LoadService.defaultCalendar, "calendar_id", max: 64)
        try check.throwIfAny()
        if let calendarID, try await StoredCalendar.find(calendarID, on: req.db) == nil {
            throw AppError.invalid(fields: ["calendar_id": "no such calendar"])
        }
        let expected = try Precondition.expectedVersion(req)
        let now = req.now, actor = req.actor, newID = req.deps.newID
        let r = try await Store.write(req.application) { db -> CapacityResponse in
            let existing = try await DepartmentCapacity.query(on: db).filter(\.$departmentID == departmentID).first()
            if let expected, expected != (existing?.version ?? 0) { throw AppError.staleVersion(current: existing?.version ?? 0) }
            let before = existing.map { CapacityResponse(departmentId: departmentID, headcount: $0.headcount, calendarId: $0.calendarID, version: $0.version) }
            let c = existing ?? DepartmentCapacity()
            if existing == nil { c.id = newID(); c.departmentID = departmentID; c.version = 0 }
            c.headcount = headcount!
            c.calendarID = calendarID!
            c.version += 1
            try await c.save(on: db)
            let after = CapacityResponse(departmentId: departmentID, headcount: c.headcount, calendarId: c.calendarID, version: c.version)
            try await AuditLog.append(on: db, at: now, actor: actor, action: existing == nil ? "create" : "update", entityType: "department_capacity",
                                      entityID: departmentID.uuidString, before: before, after: after)
            return after
        }
        return try .json(r, version: r.version)
    }

    @Sendable func load(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .resourceCapacity)
        let departmentID = try req.pathID(entity: "department")
        var check = FieldCheck()
        let from = check.day(req.query[String.self, at: "from"], "from") ?? ResponseContext(now: req.now).today
        var weeks = 8
        if let raw = req.query[String.self, at: "weeks"], !raw.isEmpty {
            if let n = Int(raw), (1...26).contains(n) { weeks = n } else { check.fail("weeks", "must be an integer between 1 and 26") }
        }
        try check.throwIfAny()
        return try .json(try await LoadService.departmentLoad(departmentID, from: from, weeks: weeks, on: req.db))
    }

    // MARK: absences

    @Sendable func absences(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .resourceCapacity)
        let page = try PageRequest(req)
        let q = ResourceAbsence.query(on: req.db)
        if let d = try req.uuidQuery("department_id") { q.filter(\.$departmentID == d) }
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(try await page.apply(q).all()) { $0.response(ctx) })
    }

    @Sendable func createAbsence(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .resourceCapacity)
        let input = try req.decodeJSON(AbsenceInput.self)
        var check = FieldCheck()
        if input.departmentId == nil { check.fail("department_id", "is required") }
        let person = check.text(input.person, "person", max: 100)
        let from = check.day(input.startsOn, "starts_on", required: true)
        let to = check.day(input.endsOn, "ends_on", required: true)
        check.order(from, to, later: "ends_on", than: "starts_on")
        if let from, let to, from.days(to: to) > 366 { check.fail("ends_on", "an absence lasts at most a year") }
        let people = check.range(input.people ?? 1, "people", 0.5...10_000)
        let note = check.text(input.note, "note", max: 500, required: false)
        try check.throwIfAny()
        let a = ResourceAbsence()
        a.departmentID = input.departmentId!
        a.userID = input.userId
        a.person = person!
        a.startsOn = from!.description
        a.endsOn = to!.description
        a.people = people!
        a.note = note
        let created = try await Writes.create(req.application, actor: req.actor, a, prepare: { db in
            try await Writes.requireReference(Department.self, a.departmentID, field: "department_id", on: db)
            try await Writes.requireReference(User.self, a.userID, field: "user_id", on: db)
        })
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func showAbsence(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .resourceCapacity)
        let a = try await Writes.find(ResourceAbsence.self, try req.pathID(entity: "absence"), on: req.db)
        return try .json(a.response(ResponseContext(now: req.now)), version: a.version)
    }

    @Sendable func deleteAbsence(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .resourceCapacity)
        try await Writes.delete(req.application, actor: req.actor, ResourceAbsence.self, id: try req.pathID(entity: "absence"),
                                expectedVersion: try Precondition.expectedVersion(req))
        return Response(status: .noContent)
    }

    // MARK: risk review meetings

    @Sendable func reviews(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .riskReview)
        let contract = try await Writes.find(Contract.self, try req.pathID(entity: "contract"), on: req.db)
        let page = try PageRequest(req)
        let rows = try await page.apply(RiskReview.query(on: req.db).filter(\.$contractID == contract.id!)).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func createReview(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .riskReview)
        let contractID = try req.pathID(entity: "contract")
        let input = try req.decodeJSON(RiskReviewInput.self)
        _ = try await Writes.find(Contract.self, contractID, on: req.db)
        let r = RiskReview()
        r.contractID = contractID
        r.recordedBy = try req.user.displayName
        let now = req.now
        let created = try await Writes.create(req.application, actor: req.actor, r, prepare: { db in
            try await input.apply(to: r, creating: true, now: now, db: db)
        })
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func showReview(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .riskReview)
        let r = try await Writes.find(RiskReview.self, try req.pathID(entity: "risk review"), on: req.db)
        return try .json(r.response(ResponseContext(now: req.now)), version: r.version)
    }

    @Sendable func updateReview(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .riskReview)
        let input = try req.decodeJSON(RiskReviewInput.self)
        let now = req.now
        let updated = try await Writes.update(req.application, actor: req.actor, RiskReview.self, id: try req.pathID(entity: "risk review"),
                                              expectedVersion: try Precondition.expectedVersion(req)) { r, db in
            try await input.apply(to: r, creating: false, now: now, db: db)
        }
        return try .json(updated, version: updated.version)
    }

    @Sendable func deleteReview(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .riskReview)
        try await Writes.delete(req.application, actor: req.actor, RiskReview.self, id: try req.pathID(entity: "risk review"),
                                expectedVersion: try Precondition.expectedVersion(req))
        return Response(status: .noContent)
    }
}

/// The risk review meetings of a contract, oldest first: what the risk table's exports add after the risks.
enum RiskReviewQueries {
    static func list(contractID: UUID, on db: any Database) async throws -> [RiskReviewResponse] {
        let ctx = ResponseContext(now: Date())
        return try await RiskReview.query(on: db).filter(\.$contractID == contractID).sort(\.$heldAt).sort(\.$id).all().map { $0.response(ctx) }
    }
}
