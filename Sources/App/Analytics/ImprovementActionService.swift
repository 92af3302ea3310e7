import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// Improvement actions (改进措施, issue #7): created from a report finding, owned by a department, followed until
/// verified. An action past its due date alerts its owner once; the alert clears when the action is done.
enum ImprovementActionService {
    static let overdueCondition = "action.overdue"

    static func create(_ app: Application, actor: Actor, _ input: ImprovementActionInput) async throws -> ImprovementActionResponse {
        var check = FieldCheck()
        var quarter: Quarter?
        if let raw = input.quarter {
            switch Quarter.parse(raw) {
            case .success(let q): quarter = q
            case .failure(let e): check.fail("quarter", e.reason)
            }
        } else { check.fail("quarter", "is required") }
        let figure = figureKey(input.figureKey, &check)
        let finding = check.text(input.finding, "finding", max: 2000)
        let cause = check.oneOf(input.causeCategory, "cause_category", CauseCategory.self)
        let measure = check.text(input.measure, "measure", max: 2000)
        if input.ownerDepartmentId == nil { check.fail("owner_department_id", "is required") }
        let due = check.day(input.dueOn, "due_on", required: true)
        let status = input.status.map { check.oneOf($0, "status", ActionStatus.self) } ?? .planned
        let review = check.text(input.effectReview, "effect_review", max: 4000, required: false)
        if let status, [.verifiedEffective, .verifiedIneffective].contains(status), review == nil {
            check.fail("effect_review", "is required to record a verification")
        }
        try check.throwIfAny()
        let now = app.deps.now()
        let a = ImprovementAction()
        a.quarter = quarter!.description
        a.figureKey = figure
        a.finding = finding!
        a.causeCategory = cause!
        a.measure = measure!
        a.ownerDepartmentID = input.ownerDepartmentId!
        a.ownerID = input.ownerId
        a.dueOn = due!.description
        a.status = status ?? .planned
        a.effectReview = review
        a.doneOn = a.status.isClosed ? LocalDate(date: now, in: JSONCoding.displayTimeZone).description : nil
        a.createdBy = actor.name
        a.createdAt = now
        a.updatedAt = now
        return try await Writes.create(app, actor: actor, a) { db in
            try await references(department: a.ownerDepartmentID, owner: a.ownerID, on: db)
        }
    }

    static func update(_ app: Application, user: User, id: UUID, expectedVersion: Int?, _ input: ImprovementActionPatch) async throws
        -> ImprovementActionResponse {
        var check = FieldCheck()
        var figure: String?? = nil
        switch input.figureKey {
        case .absent: break
        case .null: figure = .some(nil)
        case .value(let v): figure = .some(figureKey(v, &check))
        }
        let finding = input.finding.flatMap { check.text($0, "finding", max: 2000) }
        let cause = input.causeCategory.flatMap { check.oneOf($0, "cause_category", CauseCategory.self) }
        let measure = input.measure.flatMap { check.text($0, "measure", max: 2000) }
        let due = input.dueOn.flatMap { check.day($0, "due_on", required: true) }
        let status = input.status.flatMap { check.oneOf($0, "status", ActionStatus.self) }
        var review: String?? = nil
        switch input.effectReview {
        case .absent: break
        case .null: review = .some(nil)
        case .value(let v): review = .some(check.text(v, "effect_review", max: 4000, required: false))
        }
        try check.throwIfAny()
        let figureChange = figure, reviewChange = review
        let now = app.deps.now()
        let today = LocalDate(date: now, in: JSONCoding.displayTimeZone)
        let ctx = MonitorContext(now: now, newID: app.deps.newID, actor: user.actor)
        return try await Writes.update(app, actor: user.actor, ImprovementAction.self, id: id, expectedVersion: expectedVersion) { a, db in
            guard AnalyticsPermissions.mayUpdate(user, action: a) else {
                throw AppError.forbidden("only the owner department or a manager may change this improvement action")
            }
            // Moving an action to another department is a manager's decision.
            if let d = input.ownerDepartmentId, d != a.ownerDepartmentID {
                guard [.administrator, .manager].contains(user.role) else {
                    throw AppError.forbidden("only a manager may hand an improvement action to another department")
                }
                a.ownerDepartmentID = d
            }
            if let figureChange { a.figureKey = figureChange }
            if let finding { a.finding = finding }
            if let cause { a.causeCategory = cause }
            if let measure { a.measure = measure }
            if case .value = input.ownerId { a.ownerID = input.ownerId.value } else if case .null = input.ownerId { a.ownerID = nil }
            if let due { a.dueOn = due.description }
            if let reviewChange { a.effectReview = reviewChange }
            if let status {
                if [.verifiedEffective, .verifiedIneffective].contains(status), (a.effectReview ?? "").isEmpty {
                    throw AppError.invalid(fields: ["effect_review": "is required to record a verification"])
                }
                if status.isClosed, a.doneOn == nil { a.doneOn = today.description }
                if !status.isClosed { a.doneOn = nil }
                a.status = status
            }
            a.updatedAt = now
            try await references(department: a.ownerDepartmentID, owner: a.ownerID, on: db)
            // Done (or verified): its overdue alert clears in the same transaction.
            if a.status.isClosed || !a.isOverdue(today: today) { try await clearAlerts(a, on: db, ctx: ctx) }
        }
    }

    static func delete(_ app: Application, actor: Actor, id: UUID, expectedVersion: Int?) async throws {
        let ctx = MonitorContext(now: app.deps.now(), newID: app.deps.newID, actor: actor)
        try await Writes.delete(app, actor: actor, ImprovementAction.self, id: id, expectedVersion: expectedVersion) { a, db in
            try await clearAlerts(a, on: db, ctx: ctx)
        }
    }

    private static func figureKey(_ raw: String?, _ check: inout FieldCheck) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        guard ReportFigureKeys.all.contains(raw) else { check.fail("figure_key", "is not a figure of the quarterly report"); return nil }
        return raw
    }

    private static func references(department: UUID, owner: UUID?, on db: any Database) async throws {
        var fields: [String: String] = [:]
        if try await Department.find(department, on: db) == nil { fields["owner_department_id"] = "no such record" }
        if let owner, try await User.find(owner, on: db) == nil { fields["owner_id"] = "no such record" }
        if !fields.isEmpty { throw AppError.invalid(fields: fields) }
    }

    static func clearAlerts(_ a: ImprovementAction, on db: any Database, ctx: MonitorContext) async throws {
        for alert in try await Alert.query(on: db).filter(\.$source == .improvementAction).filter(\.$sourceID == a.id!)
            .filter(\.$status != .resolved).all() {
            try await AlertFiring.resolve(alert, on: db, ctx: ctx)
        }
    }

    /// The sweeper's pass: fires one alert (and notifies the owner and the owner department) for each open action
    /// past its due date that has none yet, and resolves the alerts of actions that were done meanwhile. Returns
    /// how many alerts fired.
    static func sweepOverdue(on db: any Database, ctx: MonitorContext) async throws -> Int {
        let open: [ActionStatus] = [.planned, .inProgress]
        var fired = 0
        let overdue = try await ImprovementAction.query(on: db).filter(\.$status ~~ open).filter(\.$dueOn < ctx.today.description).all()
        if !overdue.isEmpty {
            let alerted = Set(try await Alert.query(on: db).filter(\.$source == .improvementAction)
                .filter(\.$sourceID ~~ overdue.compactMap(\.id)).all(\.$sourceID))
            for a in overdue where !alerted.contains(a.id!) {
                let message = Message("alert.improvement_action_overdue", ["finding": String(a.finding.prefix(60)),
                                                                           "measure": String(a.measure.prefix(200)), "due": a.dueOn,
                                                                           "status": a.status.rawValue])
                guard let alert = try await AlertFiring.fire(.init(
                    key: .init(source: .improvementAction, sourceID: a.id!, condition: overdueCondition), seq: 1, contractID: nil,
                    milestoneID: nil, level: .breach, message: message), on: db, ctx: ctx) else { continue }
                fired += 1
                var users: Set<UUID> = []
                if let owner = a.ownerID { users.insert(owner) }
                try await Notifier.emit(Notifier.outgoing(.improvementActionOverdue, key: "alert:\(alert.id!.uuidString)", message,
                                                          link: ReportSitePaths.action.path(a.id!), users: users,
                                                          departments: [a.ownerDepartmentID]), on: db, ctx: ctx)
            }
        }
        // Alerts whose action has been done, verified or deleted since.
        let stale = try await Alert.query(on: db).filter(\.$source == .improvementAction).filter(\.$status != .resolved).all()
        if !stale.isEmpty {
            let actions = try await ImprovementAction.query(on: db).filter(\.$id ~~ stale.map(\.sourceID)).all()
            for alert in stale {
                let a = actions.first { $0.id == alert.sourceID }
                if a == nil || a!.status.isClosed || !a!.isOverdue(today: ctx.today) { try await AlertFiring.resolve(alert, on: db, ctx: ctx) }
            }
        }
        return fired
    }

    /// The actions a report lists: those raised from this quarter's or the previous quarter's report, so the next
    /// report shows what became of last quarter's findings.
    static func reportRows(quarter: Quarter, filters: QuarterlyReport.Filters, figures: [QuarterlyReport.Figure], today: LocalDate,
                           on db: any Database) async throws -> [QuarterlyReport.ActionRow] {
        let q = ImprovementAction.query(on: db).filter(\.$quarter ~~ [quarter.previous.description, quarter.description])
        if let d = filters.departmentId { q.filter(\.$ownerDepartmentID == d) }
        let actions = try await q.sort(\.$quarter).sort(\.$dueOn).sort(\.$id).limit(200).all()
        guard !actions.isEmpty else { return [] }
        let departments = try await Department.query(on: db).filter(\.$id ~~ Set(actions.map(\.ownerDepartmentID))).all()
        let owners = try await User.query(on: db).filter(\.$id ~~ Set(actions.compactMap(\.ownerID))).all()
        return actions.map { a in
            let fig = a.figureKey.flatMap { k in figures.first { $0.key == k } }
            let fromPrevious = a.quarter == quarter.previous.description
            return QuarterlyReport.ActionRow(
                id: a.id!, quarter: a.quarter, figureKey: a.figureKey, finding: a.finding, measure: a.measure, status: a.status,
                dueOn: a.dueOn, overdue: a.isOverdue(today: today),
                ownerDepartment: departments.first { $0.id == a.ownerDepartmentID }?.name ?? "—",
                ownerName: owners.first { $0.id == a.ownerID }?.displayName, effectReview: a.effectReview,
                figureThen: fromPrevious ? fig?.previous : fig?.value, figureNow: fig?.value)
        }
    }
}

/// The sweeper's improvement-action pass, under the same PostgreSQL advisory lock as the rest of the sweep.
enum ImprovementActionSweeper {
    static func runOnce(_ app: Application, ctx: MonitorContext, lockKey: Int64) async throws -> Int {
        // Read-only probe first: most sweeps have nothing to do.
        let due = try await ImprovementAction.query(on: app.db).filter(\.$status ~~ [.planned, .inProgress])
            .filter(\.$dueOn < ctx.today.description).count()
        let open = try await Alert.query(on: app.db).filter(\.$source == .improvementAction).filter(\.$status != .resolved).count()
        guard due + open > 0 else { return 0 }
        return try await Store.write(app) { db in
            guard try await Sweeper.lock(lockKey, on: db) else { return 0 }
            return try await ImprovementActionService.sweepOverdue(on: db, ctx: ctx)
        }
    }
}
