import Fluent
import Foundation
import LvyueCore

/// Fulfilment monitoring in the demo (issue #4): an escalation chain, risk registers with triggers, a failed then
/// passed inspection, the engine's first evaluation (a late milestone fires its risk; alerts land in inboxes), and
/// three escalations — raised on time, raised late and levelled up after its deadline passed, and closed.
/// Runs inside the demo loader's transaction.
enum DemoMonitoring {
    static func seed(db: any Database, now: Date, newID: @escaping @Sendable () -> UUID) async throws {
        let ctx = MonitorContext(now: now, newID: newID, actor: Actor(id: nil, name: "demo"))
        var users: [String: UUID] = [:]
        for u in try await User.query(on: db).all() { users[u.username] = u.id }
        var departments: [String: UUID] = [:]
        for d in try await Department.query(on: db).all() { departments[d.code] = d.id }
        var contracts: [String: Contract] = [:]
        for c in try await Contract.query(on: db).all() { contracts[c.number] = c }
        let milestones = try await Milestone.query(on: db).all()
        func milestone(_ contract: String, _ name: String) -> Milestone? {
            guard let c = contracts[contract] else { return nil }
            return milestones.first { $0.$contract.id == c.id && $0.name == name }
        }

        // Who is told at each level.
        for (level, people, depts) in [(1, ["liqiang"], ["project"]), (2, ["zhoumin"], []), (3, ["admin"], [])] {
            let row = EscalationChainLevel()
            row.id = level
            row.userIDs = people.compactMap { users[$0] }
            row.departmentIDs = depts.compactMap { departments[$0] }
            row.version = 1
            try await row.create(on: db)
        }

        // Risk registers: the category checklist, plus one named-milestone trigger on each late contract.
        for number in ["HT-2026-0012", "HT-2026-0021", "HT-2026-0018"] {
            guard let c = contracts[number] else { continue }
            for item in RiskChecklist.items(for: c.category) {
                try await save(risk(c, item.description, item.category, item.likelihood, item.impact, item.mitigation, item.trigger,
                                    owner: c.$owner.id, newID: newID), db: db, now: now)
            }
        }
        if let c = contracts["HT-2026-0012"], let m = milestone("HT-2026-0012", "生产进度50%") {
            try await save(risk(c, "主轴铸件供应延迟导致生产进度滞后", .supply, 4, 4, "启用备用铸造厂，加班追赶排产",
                                RiskTrigger(kind: .milestoneLate, days: 2, milestoneId: m.id), owner: users["admin"], newID: newID), db: db, now: now)
        }
        if let c = contracts["HT-2026-0021"], let m = milestone("HT-2026-0021", "预埋及管线敷设完成") {
            try await save(risk(c, "土建移交滞后影响管线预埋", .schedule, 3, 4, "与总包协调分区移交，先行施工已移交楼层",
                                RiskTrigger(kind: .milestoneLate, days: 3, milestoneId: m.id), owner: users["liqiang"], newID: newID), db: db, now: now)
        }

        // A failed factory inspection, re-inspected and passed the next day.
        var failedInspection: QualityResult?
        if let m = milestone("HT-2026-0007", "出厂检验合格"), let planned = m.actual {
            let failedAt = planned.adding(days: -1).startOfDay(in: JSONCoding.displayTimeZone).addingTimeInterval(10 * 3600)
            for (result, at, notes) in [(QualityOutcome.fail, failedAt, "绝缘耐压测试2台不合格"), (.pass, failedAt.addingTimeInterval(86400), "整改后复检合格")] {
                let q = QualityResult()
                q.id = newID()
                q.$milestone.id = m.id!
                q.contractID = m.$contract.id
                q.kind = .inspection
                q.result = result
                q.inspector = "赵磊"
                q.notes = notes
                q.inspectedAt = at
                try await save(q, db: db, now: now)
                if result == .fail { failedInspection = q }
            }
        }

        // The engine's first pass: late milestones fire their risks; alerts and inbox messages follow.
        let monitored = contracts.values.filter { RiskEngine.monitoredStatuses.contains($0.status) }.compactMap(\.id)
        try await RiskEngine.evaluate(contractIDs: monitored, on: db, ctx: ctx)

        let hour: TimeInterval = 3600
        // Raised on time: detected five days ago, filed six hours later; the meeting gave until tomorrow.
        if let c = contracts["HT-2026-0021"] {
            let detected = now.addingTimeInterval(-5 * 24 * hour)
            let e = try await escalation(c, milestone: milestone("HT-2026-0021", "预埋及管线敷设完成"), number: 1, detected: detected,
                                         raised: detected.addingTimeInterval(6 * hour), level: 1,
                                         text: ("土建移交滞后，3层以上管线预埋无法施工", "影响设备安装节点约1周", "协调总包分区移交"),
                                         departments: [departments["project"], departments["technical"]], raisedBy: "李强", db: db, ctx: ctx)
            try await meeting(e, held: detected.addingTimeInterval(24 * hour), resolveBy: now.addingTimeInterval(24 * hour),
                              attendees: "项目部李强、技术部赵磊、总包项目经理", decisions: "总包一周内完成3-5层移交，我方夜间加班追赶", db: db, ctx: ctx)
        }
        // Raised late (30 h after detection); its meeting's deadline passed yesterday, so the sweep levels it up.
        if let c = contracts["HT-2026-0012"] {
            let detected = now.addingTimeInterval(-3 * 24 * hour)
            let e = try await escalation(c, milestone: milestone("HT-2026-0012", "生产进度50%"), number: 2, detected: detected,
                                         raised: detected.addingTimeInterval(30 * hour), level: 1,
                                         text: ("主轴铸件供应商延期交货，生产进度50%节点延迟", "整机交付可能推迟1–2周", "联系备用铸造厂询价"),
                                         departments: [departments["project"]], raisedBy: "李强", db: db, ctx: ctx)
            try await meeting(e, held: detected.addingTimeInterval(36 * hour), resolveBy: now.addingTimeInterval(-20 * hour),
                              attendees: "项目部、采购、技术部", decisions: "原材料供应问题需在2天内解决，否则将影响整体交付", db: db, ctx: ctx)
        }
        // Closed: the failed inspection, resolved by rework.
        if let c = contracts["HT-2026-0007"], let q = failedInspection {
            let e = try await escalation(c, milestone: milestone("HT-2026-0007", "出厂检验合格"), number: 3, detected: q.inspectedAt,
                                         raised: q.inspectedAt.addingTimeInterval(2 * hour), level: 1,
                                         text: ("出厂检验2台绝缘耐压不合格", "影响发运1天", "返工更换绝缘件后复检"),
                                         departments: [departments["technical"]], raisedBy: "赵磊", db: db, ctx: ctx)
            e.qualityResultID = q.id
            e.status = .closed
            e.resolution = "更换绝缘件后复检合格，已发运"
            e.resolvedAt = q.inspectedAt.addingTimeInterval(22 * hour)
            e.closedAt = q.inspectedAt.addingTimeInterval(26 * hour)
            try await e.update(on: db)
            try await EscalationService.event(e, "status", from: "open", to: "closed", note: e.resolution, on: db, ctx: ctx)
        }
        let calendar = BuiltinCalendars.sevenByTwentyFour
        try await EscalationService.sweepOverdue(on: db, ctx: ctx, calendar: calendar)
    }

    static func risk(_ c: Contract, _ text: String, _ category: RiskCategory, _ l: Int, _ i: Int, _ mitigation: String, _ trigger: RiskTrigger,
                     owner: UUID?, newID: @Sendable () -> UUID) -> Risk {
        let r = Risk()
        r.id = newID()
        r.$contract.id = c.id!
        r.summary = text
        r.category = category
        r.likelihood = l
        r.impact = i
        r.mitigation = mitigation
        r.$owner.id = owner
        r.status = .open
        r.triggerKind = trigger.kind
        r.triggerDays = trigger.days
        r.triggerMilestoneID = trigger.milestoneId
        r.triggerPercent = trigger.percent
        r.fired = false
        r.firingSeq = 0
        return r
    }

    static func save<M: AuditedModel>(_ model: M, db: any Database, now: Date) async throws {
        model.version = 1
        try await model.create(on: db)
        try await AuditLog.append(on: db, at: now, actor: Actor(id: nil, name: "demo"), action: "create", entityType: M.entityType,
                                  entityID: model.id!.uuidString, after: model.response(ResponseContext(now: now)))
    }

    static func escalation(_ c: Contract, milestone: Milestone?, number: Int, detected: Date, raised: Date, level: Int,
                           text: (String, String, String), departments: [UUID?], raisedBy: String, db: any Database,
                           ctx: MonitorContext) async throws -> Escalation {
        let raise = try ClockEngine.evaluate(definition: StandardClocks.escalationRaise, calendar: BuiltinCalendars.sevenByTwentyFour,
                                             events: [ClockInput(.start, at: detected), ClockInput(.stop, at: raised)], now: max(ctx.now, raised))
        let year = LocalDate(date: raised, in: JSONCoding.displayTimeZone).year
        let n = try await Counters.next("escalation.\(year)", on: db)
        let e = Escalation()
        e.id = ctx.newID()
        e.number = DocumentNumber.make("ESC", year: year, n, digits: 4)
        e.$contract.id = c.id!
        e.$milestone.id = milestone?.id
        e.detectedAt = detected
        e.raisedAt = raised
        e.raiseDueAt = raise.dueAt ?? detected.addingTimeInterval(86400)
        e.raisedOnTime = raise.state == .met
        e.summary = text.0
        e.impact = text.1
        e.initialFix = text.2
        e.level = level
        e.departments = departments.compactMap { $0 }
        e.status = .open
        e.resolveBy = raised.addingTimeInterval(Double(EscalationService.defaultResolveHours) * 3600)
        e.deadlineSeq = 1
        e.overdueHandledSeq = 0
        e.raisedByName = raisedBy
        try await save(e, db: db, now: ctx.now)
        var at = ctx
        at.now = raised
        try await EscalationService.event(e, "raised", from: nil, to: e.raisedOnTime ? "on_time" : "late",
                                          note: e.raisedOnTime ? nil : "raised more than 24 h after detection", on: db, ctx: at)
        return e
    }

    static func meeting(_ e: Escalation, held: Date, resolveBy: Date, attendees: String, decisions: String, db: any Database,
                        ctx: MonitorContext) async throws {
        let m = EscalationMeeting()
        m.id = ctx.newID()
        m.$escalation.id = e.id!
        m.heldAt = held
        m.attendees = attendees
        m.decisions = decisions
        m.resolveBy = resolveBy
        m.recordedBy = "李强"
        m.createdAt = held
        try await m.create(on: db)
        var at = ctx
        at.now = held
        try await EscalationService.event(e, "meeting", from: JSONCoding.formatInstant(e.resolveBy), to: JSONCoding.formatInstant(resolveBy),
                                          note: decisions, on: db, ctx: at)
        e.resolveBy = resolveBy
        e.deadlineSeq += 1
        e.status = .inProgress
        try await e.update(on: db)
    }
}
