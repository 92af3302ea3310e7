import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// Which template versions a contract, a service plan or a service request was made under (issue #7). The columns
/// live on those tables; they are read and written here so the owning capabilities need only one call each.
enum TemplateUsage {
    enum Entity: String, CaseIterable, Sendable {
        case contract, servicePlan = "service_plan", serviceRequest = "service_request"
        var table: String {
            switch self {
            case .contract: return Contract.schema
            case .servicePlan: return ServicePlan.schema
            case .serviceRequest: return ServiceRequest.schema
            }
        }
        var columns: [String] {
            switch self {
            case .contract: return TemplateKind.allCases.compactMap(\.contractColumn)
            case .servicePlan: return ["sla_template_version_id"]
            case .serviceRequest: return ["instruction_template_version_id", "survey_template_version_id"]
            }
        }
    }

    static func record(_ entity: Entity, id: UUID, column: String, version: UUID, on db: any Database) async throws {
        precondition(entity.columns.contains(column))
        try await db.sql.update(entity.table).set(SQLIdentifier(column), to: SQLBind(version)).where("id", .equal, SQLBind(id)).run()
    }

    static func usage(_ entity: Entity, id: UUID, on db: any Database) async throws -> TemplateUsageResponse {
        guard let row = try await db.sql.select().columns(entity.columns.map { SQLIdentifier($0) }).from(entity.table)
            .where("id", .equal, SQLBind(id)).first() else {
            throw AppError.notFound(entity: entity.rawValue, id: id.uuidString)
        }
        var items: [TemplateUsageItem] = []
        for column in entity.columns {
            guard let versionID = try row.decodeNil(column: column) ? nil : row.decode(column: column, as: UUID.self),
                  let v = try await TemplateVersion.find(versionID, on: db),
                  let t = try await LibraryTemplate.find(v.templateID, on: db) else { continue }
            items.append(TemplateUsageItem(kind: t.kind, templateId: t.id!, templateName: t.name, versionId: v.id!, number: v.number))
        }
        return TemplateUsageResponse(entityType: entity.rawValue, entityId: id, versions: items)
    }

    /// A new service plan without an explicit clock policy takes the SLA policy in force; the plan records it.
    static func slaPolicy(on db: any Database, today: LocalDate) async throws -> (policy: ClockPolicy, version: UUID)? {
        guard let (_, v) = try await TemplateLibrary.effective(.slaPolicy, scope: "default", on: today, db: db) else { return nil }
        return (TemplateContent.clockPolicy(v.rows), v.id!)
    }

    /// The work instruction of its type and the survey in force on the day a new request was received, which it records.
    static func forRequest(type: RequestType, day: LocalDate, on db: any Database) async throws -> (instruction: UUID?, survey: UUID?) {
        let ids = try await TemplateLibrary.effectiveVersionIDs([(.workInstruction, type.rawValue), (.satisfactionSurvey, "default")], on: day, db: db)
        return (ids[.workInstruction], ids[.satisfactionSurvey])
    }

    /// The risk checklist in force for a category (the built-in one if the library has none).
    static func riskItems(for category: ContractCategory, on db: any Database, today: LocalDate) async throws -> (items: [RiskChecklist.Item], version: UUID?) {
        guard let (_, v) = try await TemplateLibrary.effective(.riskChecklist, scope: category.rawValue, on: today, db: db) else {
            return (RiskChecklist.items(for: category), nil)
        }
        return (TemplateContent.riskItems(v.rows), v.id)
    }
}

/// Applying templates to a new contract: its responsibility table, milestones (planned dates from the offsets, on a
/// calendar for working days) and risk register, in one transaction with an audit event per row and one for the
/// contract naming the versions used.
enum TemplateApply {
    static let kinds: [TemplateKind] = [.responsibility, .milestonePlan, .riskChecklist]

    static func apply(_ app: Application, actor: Actor, role: Role, contractID: UUID, _ input: TemplateApplyInput) async throws -> TemplateApplyResponse {
        var check = FieldCheck()
        var chosen: [TemplateKind] = []
        for (i, raw) in (input.kinds ?? kinds.map(\.rawValue)).enumerated() {
            guard let k = TemplateKind(rawValue: raw), kinds.contains(k) else {
                check.fail("kinds.\(i)", "must be one of: \(kinds.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            if !chosen.contains(k) { chosen.append(k) }
        }
        if input.kinds != nil && chosen.isEmpty && check.errors.isEmpty { check.fail("kinds", "choose at least one") }
        try check.throwIfAny()
        let selected = chosen
        // The rows created are the departments' own: each kind needs the right to create them.
        for k in chosen {
            let resource: Resource = k == .responsibility ? .responsibility : k == .milestonePlan ? .milestone : .risk
            guard Permissions.allows(role, .create, resource) else {
                throw AppError.forbidden("role \(role.rawValue) may not create \(resource.rawValue) rows")
            }
        }
        let calendarID = input.calendarId ?? "cn-workday"
        guard try await StoredCalendar.find(calendarID, on: app.db) != nil else { throw AppError.invalid(fields: ["calendar_id": "no calendar \(calendarID)"]) }
        let calendar = try await app.calendars.calendar(calendarID, on: app.db)
        let now = app.deps.now(), newID = app.deps.newID
        let ctx = ResponseContext(now: now)
        let given: [TemplateKind: UUID?] = [.responsibility: input.responsibilityVersionId, .milestonePlan: input.milestoneVersionId,
                                            .riskChecklist: input.riskVersionId]
        let result = try await Store.write(app) { db -> TemplateApplyResponse in
            let contract = try await Writes.find(Contract.self, contractID, on: db)
            var used: [(TemplateKind, LibraryTemplate, TemplateVersion)] = []
            for k in selected {
                if let id = given[k] ?? nil {
                    guard let v = try await TemplateVersion.find(id, on: db) else { throw AppError.invalid(fields: ["\(field(k))": "no template version \(id)"]) }
                    guard v.kind == k else { throw AppError.invalid(fields: ["\(field(k))": "is a \(v.kind.rawValue) version, not \(k.rawValue)"]) }
                    guard v.state.isScheduled else { throw AppError.conflict(code: "version_not_approved", message: "version \(v.number) is a draft; apply an approved version") }
                    used.append((k, try await TemplateLibrary.find(v.templateID, on: db), v))
                } else if let (t, v) = try await TemplateLibrary.effective(k, scope: contract.category.rawValue, on: ctx.today, db: db) {
                    used.append((k, t, v))
                } else {
                    throw AppError.unprocessable(code: "no_template", message: "no \(k.rawValue) template in force for \(contract.category.rawValue) contracts",
                                                 fields: [field(k): "no version in force; choose one"])
                }
            }
            var out = TemplateApplyResponse(contractId: contractID, versions: [], clauses: 0, responsibilities: 0, milestones: 0, risks: 0, risksSkipped: 0)
            let departments = Dictionary(try await Department.query(on: db).all().map { ($0.code, $0.id!) }) { a, _ in a }
            for (k, t, v) in used {
                switch k {
                case .responsibility:
                    if try await Responsibility.query(on: db).filter(\.$contract.$id == contractID).count() > 0 {
                        throw AppError.conflict(code: "contract_has_responsibilities", message: "contract \(contract.number) already has a responsibility table")
                    }
                    let counts = try await responsibilities(v, contract: contract, departments: departments, on: db, now: now, actor: actor, newID: newID)
                    out.clauses += counts.clauses
                    out.responsibilities += counts.rows
                case .milestonePlan:
                    if try await Milestone.query(on: db).filter(\.$contract.$id == contractID).count() > 0 {
                        throw AppError.conflict(code: "contract_has_milestones", message: "contract \(contract.number) already has milestones")
                    }
                    if v.records().contains(where: { !($0["person_days"] ?? "").isEmpty }) && !Permissions.allows(role, .create, .resourcePlan) {
                        throw AppError.forbidden("role \(role.rawValue) may not create \(Resource.resourcePlan.rawValue) rows")
                    }
                    out.milestones = try await milestones(v, contract: contract, calendar: calendar, departments: departments, on: db, now: now,
                                                          actor: actor, newID: newID)
                case .riskChecklist:
                    let counts = try await risks(v, contract: contract, on: db, now: now, actor: actor, newID: newID)
                    out.risks = counts.created
                    out.risksSkipped = counts.skipped
                default: break
                }
                try await TemplateUsage.record(.contract, id: contractID, column: k.contractColumn!, version: v.id!, on: db)
                out.versions.append(TemplateUsageItem(kind: k, templateId: t.id!, templateName: t.name, versionId: v.id!, number: v.number))
            }
            let before = contract.response(ctx)
            contract.version += 1
            try await contract.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "templates.applied", entityType: Contract.entityType,
                                      entityID: contractID.uuidString, before: before, after: out)
            return out
        }
        await MonitoringHooks.contractChanged(app, contractID)
        return result
    }

    static func field(_ k: TemplateKind) -> String {
        switch k {
        case .responsibility: return "responsibility_version_id"
        case .milestonePlan: return "milestone_version_id"
        default: return "risk_version_id"
        }
    }

    /// One clause per clause category the contract does not have yet (its text from the template), then one
    /// responsibility per row, due `due_offset_days` after the contract's start when both are known.
    static func responsibilities(_ v: TemplateVersion, contract: Contract, departments: [String: UUID], on db: any Database, now: Date,
                                 actor: Actor, newID: @Sendable () -> UUID) async throws -> (clauses: Int, rows: Int) {
        let ctx = ResponseContext(now: now)
        var clauses: [ClauseCategory: UUID] = [:]
        for c in try await Clause.query(on: db).filter(\.$contract.$id == contract.id!).sort(\.$createdAt).all() where clauses[c.category] == nil {
            clauses[c.category] = c.id!
        }
        var createdClauses = 0, rows = 0
        let start = contract.startsOn.flatMap(LocalDate.init(iso:))
        for (i, r) in v.records().enumerated() {
            guard let category = ClauseCategory(rawValue: r["clause_category"] ?? "") else { continue }
            guard let department = departments[r["department"] ?? ""] else {
                throw AppError.invalid(fields: ["rows.\(i).department": "no department \(r["department"] ?? "")"])
            }
            if clauses[category] == nil {
                let c = Clause()
                c.id = newID()
                c.$contract.id = contract.id!
                c.category = category
                c.text = (r["clause_text"] ?? "").isEmpty ? category.rawValue : r["clause_text"]!
                c.version = 1
                try await c.create(on: db)
                try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: Clause.entityType, entityID: c.id!.uuidString,
                                          after: c.response(ctx))
                clauses[category] = c.id!
                createdClauses += 1
            }
            let row = Responsibility()
            row.id = newID()
            row.$contract.id = contract.id!
            row.$clause.id = clauses[category]
            row.$department.id = department
            row.duty = r["duty"] ?? ""
            row.dueOn = start.flatMap { s in Int(r["due_offset_days"] ?? "").map { s.adding(days: $0).description } }
            row.collaborators = []
            row.status = .pending
            row.version = 1
            try await row.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: Responsibility.entityType,
                                      entityID: row.id!.uuidString, after: row.response(ctx))
            rows += 1
        }
        return (createdClauses, rows)
    }

    static func milestones(_ v: TemplateVersion, contract: Contract, calendar: WorkCalendar, departments: [String: UUID], on db: any Database,
                           now: Date, actor: Actor, newID: @Sendable () -> UUID) async throws -> Int {
        guard let start = contract.startsOn.flatMap(LocalDate.init(iso:)) else {
            throw AppError.unprocessable(code: "contract_not_started", message: "contract \(contract.number) has no start date to plan milestones from",
                                         fields: ["starts_on": "is required to plan milestones from a template"])
        }
        let ctx = ResponseContext(now: now)
        var n = 0
        var previous = start
        for (i, r) in v.records().enumerated() {
            guard let offset = Int(r["offset"] ?? ""), let unit = MilestonePlanning.OffsetUnit(rawValue: r["offset_unit"] ?? "") else { continue }
            let planned: LocalDate
            do {
                planned = try MilestonePlanning.plannedDate(start: start, offset: offset, unit: unit, calendar: calendar)
            } catch let e as CalendarError {
                throw AppError.unprocessable(code: "calendar_data_missing", message: e.description, fields: ["calendar_id": e.description])
            }
            n += 1
            let m = Milestone()
            m.id = newID()
            m.$contract.id = contract.id!
            m.sequence = n
            m.name = r["name"] ?? ""
            m.weight = Double(r["weight"] ?? "") ?? 0
            m.plannedOn = planned.description
            m.progress = 0
            m.$department.id = (r["department"] ?? "").isEmpty ? nil : departments[r["department"]!]
            m.version = 1
            try await m.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: Milestone.entityType, entityID: m.id!.uuidString,
                                      after: m.response(ctx))
            // The milestone's people need: the department's person-days from the previous milestone (or the contract's
            // start) to this one — the milestone's resource plan, as if entered by hand.
            if let days = Double(r["person_days"] ?? "") {
                let code = r["people_department"] ?? ""
                guard let department = departments[code] else {
                    throw AppError.invalid(fields: ["rows.\(i).people_department": "no department \(code)"])
                }
                let line = ResourceLine()
                line.id = newID()
                line.contractID = contract.id!
                line.milestoneID = m.id!
                line.kind = .person
                line.departmentID = department
                line.personDays = days
                line.startsOn = min(previous, planned).description
                line.endsOn = planned.description
                line.approved = false
                line.version = 1
                try await line.create(on: db)
                try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: ResourceLine.entityType,
                                          entityID: line.id!.uuidString, after: line.response(ctx))
            }
            previous = planned
        }
        return n
    }

    /// The checklist's items the register does not have yet (matched by description), owned by the contract's owner.
    static func risks(_ v: TemplateVersion, contract: Contract, on db: any Database, now: Date, actor: Actor,
                      newID: @Sendable () -> UUID) async throws -> (created: Int, skipped: Int) {
        let existing = Set(try await Risk.query(on: db).filter(\.$contract.$id == contract.id!).all(\.$summary))
        var created = 0, skipped = 0
        for item in TemplateContent.riskItems(v.rows) {
            if existing.contains(item.description) { skipped += 1; continue }
            let r = RiskChecklist.makeRisk(item, contract: contract, id: newID())
            try await r.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "create", entityType: Risk.entityType, entityID: r.id!.uuidString,
                                      after: r.response(ResponseContext(now: now)))
            created += 1
        }
        return (created, skipped)
    }
}

extension RiskChecklist {
    /// A register row from a checklist item (the same fields `apply-checklist` sets).
    static func makeRisk(_ item: Item, contract: Contract, id: UUID) -> Risk {
        let r = Risk()
        r.id = id
        r.$contract.id = contract.id!
        r.summary = item.description
        r.category = item.category
        r.likelihood = item.likelihood
        r.impact = item.impact
        r.mitigation = item.mitigation
        r.$owner.id = contract.$owner.id
        r.status = .open
        r.triggerKind = item.trigger.kind
        r.triggerDays = item.trigger.days
        r.triggerPercent = item.trigger.percent
        r.fired = false
        r.firingSeq = 0
        r.version = 1
        return r
    }
}
