import Fluent
import Vapor

struct EscalationAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let e = routes.grouped("escalations")
        e.get(use: list)
        e.post(use: create)
        e.get(":id", use: show)
        e.patch(":id", use: update)
        e.get(":id", "meetings", use: meetings)
        e.post(":id", "meetings", use: addMeeting)
        e.get(":id", "events", use: events)
        routes.get("escalation-chain", use: chain)
        routes.put("escalation-chain", use: setChain)
    }

    /// Filters: `status` (an exact status, or `active` = open or in progress), `contract_id`, `level`.
    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .escalation)
        let page = try PageRequest(req)
        var check = FieldCheck()
        let q = Escalation.query(on: req.db)
        if let s = req.query[String.self, at: "status"], !s.isEmpty {
            if s == "active" { q.filter(\.$status ~~ [.open, .inProgress]) } else if let st = check.oneOf(s, "status", EscalationStatus.self) {
                q.filter(\.$status == st)
            }
        }
        if let l = req.query[String.self, at: "level"], !l.isEmpty {
            if let n = Int(l), (1...3).contains(n) { q.filter(\.$level == n) } else { check.fail("level", "must be 1, 2 or 3") }
        }
        try check.throwIfAny()
        if let c = try req.uuidQuery("contract_id") { q.filter(\.$contract.$id == c) }
        let rows = try await page.apply(q).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .escalation)
        let input = try req.decodeJSON(EscalationCreateInput.self)
        let created = try await EscalationService.create(req.application, actor: req.actor, input)
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .escalation)
        let e = try await Writes.find(Escalation.self, try req.pathID(entity: "escalation"), on: req.db)
        return try .json(e.response(ResponseContext(now: req.now)), version: e.version)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .escalation)
        let input = try req.decodeJSON(EscalationPatchInput.self)
        let updated = try await EscalationService.update(req.application, actor: req.actor, id: try req.pathID(entity: "escalation"),
                                                         expectedVersion: try Precondition.expectedVersion(req), input)
        return try .json(updated, version: updated.version)
    }

    @Sendable func meetings(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .escalation)
        let e = try await Writes.find(Escalation.self, try req.pathID(entity: "escalation"), on: req.db)
        let page = try PageRequest(req)
        let rows = try await page.apply(EscalationMeeting.query(on: req.db).filter(\.$escalation.$id == e.id!)).all()
        return try .json(page.page(rows) { EscalationMeetingResponse($0) })
    }

    @Sendable func addMeeting(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .escalation)
        let id = try req.pathID(entity: "escalation")
        let input = try req.decodeJSON(MeetingInput.self)
        let meeting = try await EscalationService.addMeeting(req.application, actor: req.actor, id: id, input)
        return try .json(meeting, status: .created)
    }

    @Sendable func events(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .escalation)
        let e = try await Writes.find(Escalation.self, try req.pathID(entity: "escalation"), on: req.db)
        let page = try PageRequest(req)
        let rows = try await page.apply(EscalationEvent.query(on: req.db).filter(\.$escalation.$id == e.id!)).all()
        return try .json(page.page(rows) { EscalationEventResponse($0) })
    }

    @Sendable func chain(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .escalation)
        return try .json(try await EscalationChain.read(on: req.db))
    }

    /// Replaces the chain: for each level 1–3, the users and departments told when an escalation reaches it.
    @Sendable func setChain(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .notificationChannel)
        let input = try req.decodeJSON(ChainInput.self)
        var check = FieldCheck()
        let levels = input.levels ?? []
        if input.levels == nil { check.fail("levels", "is required") }
        var seen = Set<Int>()
        for (i, l) in levels.enumerated() {
            guard let n = l.level, (1...3).contains(n) else { check.fail("levels.\(i).level", "must be 1, 2 or 3"); continue }
            if !seen.insert(n).inserted { check.fail("levels.\(i).level", "appears twice") }
            if (l.userIds?.count ?? 0) > 50 { check.fail("levels.\(i).user_ids", "at most 50 users") }
            if (l.departmentIds?.count ?? 0) > 20 { check.fail("levels.\(i).department_ids", "at most 20 departments") }
        }
        try check.throwIfAny()
        let now = req.now
        let actor = req.actor
        let result = try await Store.write(req.application) { db -> ChainResponse in
            let before = try await EscalationChain.read(on: db)
            for (i, l) in levels.enumerated() {
                let users = Array(Set(l.userIds ?? [])), depts = Array(Set(l.departmentIds ?? []))
                if !users.isEmpty, try await User.query(on: db).filter(\.$id ~~ users).count() != users.count {
                    throw AppError.invalid(fields: ["levels.\(i).user_ids": "names a user that does not exist"])
                }
                if !depts.isEmpty, try await Department.query(on: db).filter(\.$id ~~ depts).count() != depts.count {
                    throw AppError.invalid(fields: ["levels.\(i).department_ids": "names a department that does not exist"])
                }
                let row = try await EscalationChainLevel.find(l.level!, on: db) ?? {
                    let r = EscalationChainLevel()
                    r.id = l.level!
                    r.version = 0
                    return r
                }()
                row.userIDs = users.sorted { $0.uuidString < $1.uuidString }
                row.departmentIDs = depts.sorted { $0.uuidString < $1.uuidString }
                row.version += 1
                try await row.save(on: db)
            }
            let after = try await EscalationChain.read(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "update", entityType: "escalation_chain", entityID: "chain",
                                      before: before, after: after)
            return after
        }
        return try .json(result)
    }
}

enum EscalationChain {
    static func read(on db: any Database) async throws -> ChainResponse {
        let rows = try await EscalationChainLevel.query(on: db).all()
        let byLevel = Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0) })
        return ChainResponse(levels: (1...3).map { n in
            let r = byLevel[n]
            return ChainLevelResponse(level: n, userIds: r?.userIDs ?? [], departmentIds: r?.departmentIDs ?? [], version: r?.version ?? 0)
        })
    }
}
