import Fluent
import Foundation
import LvyueCore

/// Issue #7 in the demo: the manufacturing milestone plan revised this year (version 2 in force, carrying the
/// person-days of its last three milestones, and a version 3 draft, so the diff shows added, removed and changed rows),
/// the construction risk checklist last revised over a year ago (due for its yearly revision), and an SLA revision approved to take effect in three weeks.
enum DemoTemplates {
    static func seed(db: any Database, now: Date, newID: @escaping @Sendable () -> UUID) async throws {
        let today = LocalDate(date: now, in: JSONCoding.displayTimeZone)
        func at(_ days: Int) -> Date { now.addingTimeInterval(Double(days) * 86_400) }

        var plan = TemplateDefaults.milestones(.manufacturing)
        plan[0][2] = "15"                                           // 原材料采购 20 → 15 working days
        plan.remove(at: 3)                                          // 发货到场 folded into acceptance
        plan.insert(["安装调试完成", "10", "65", "working_days", "technical"], at: 3)
        plan[4][1] = "30"                                           // 现场验收 weight 25 → 30
        plan = TemplateKind.milestonePlan.widen(plan)               // and the people each milestone needs:
        plan[2][5...6] = ["technical", "20"]                        //   出厂检验 20 person-days of technical
        plan[3][5...6] = ["technical", "40"]                        //   安装调试 40
        plan[4][5...6] = ["project", "12"]                          //   现场验收 12 of project
        try await revise(.milestonePlan, "manufacturing", rows: plan, author: "李强", note: "增加安装调试节点，采购周期缩短至15个工作日",
                         created: at(-45), approvedBy: "周敏", approved: at(-40), effective: today.adding(days: -30), db: db, now: now, newID: newID)
        var draft = plan
        draft[2][2] = "45"
        try await revise(.milestonePlan, "manufacturing", rows: draft, author: "李强", note: "拟将出厂检验提前至第45个工作日",
                         created: at(-2), approvedBy: nil, approved: nil, effective: nil, db: db, now: now, newID: newID)

        var risks = RiskChecklist.items(for: .construction).map(TemplateDefaults.riskRow)
        risks.append(["安全文明施工检查不合格", "quality", "2", "4", "每周安全巡查，整改项48小时内闭环", "manual", "", ""])
        try await revise(.riskChecklist, "construction", rows: risks, author: "王芳", note: "增加安全文明施工风险",
                         created: at(-420), approvedBy: "周敏", approved: at(-410), effective: today.adding(days: -400), db: db, now: now, newID: newID)

        var sla = StandardClocks.all.map(TemplateDefaults.slaRow)
        if let i = sla.firstIndex(where: { $0[0] == "normal.respond" }) { sla[i][2] = "180" }
        try await revise(.slaPolicy, "default", rows: sla, author: "刘洋", note: "普通请求响应时限由4小时缩短至3小时",
                         created: at(-3), approvedBy: "周敏", approved: at(-1), effective: today.adding(days: 21), db: db, now: now, newID: newID)
    }

    /// A version written and approved in the past (demo history), with the states the dates imply.
    static func revise(_ kind: TemplateKind, _ scope: String, rows: [[String]], author: String, note: String, created: Date, approvedBy: String?,
                       approved: Date?, effective: LocalDate?, db: any Database, now: Date, newID: @escaping @Sendable () -> UUID) async throws {
        guard let t = try await LibraryTemplate.query(on: db).filter(\.$kind == kind).filter(\.$scope == scope).first() else { return }
        let existing = try await TemplateLibrary.versions(of: t.id!, on: db)
        let v = TemplateLibrary.newVersion(t, number: (existing.last?.number ?? 0) + 1, rows: rows, author: author, note: note, now: created, newID: newID)
        if let approvedBy, let effective {
            v.state = .approved
            v.effectiveOn = effective.description
            v.approvedBy = approvedBy
            v.approvedAt = approved
        }
        try await v.create(on: db)
        try await AuditLog.append(on: db, at: now, actor: Actor(id: nil, name: author), action: "create", entityType: TemplateVersion.entityType,
                                  entityID: v.id!.uuidString, after: v.response(ResponseContext(now: now)))
        let today = LocalDate(date: now, in: JSONCoding.displayTimeZone)
        try await TemplateLibrary.reconcile(t, try await TemplateLibrary.versions(of: t.id!, on: db), today: today, on: db, now: now,
                                            actor: Actor(id: nil, name: "demo"), newID: newID)
    }
}
