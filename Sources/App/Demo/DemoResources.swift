import Fluent
import Foundation
import LvyueCore

/// Issue #10's demo: resource plans on two manufacturing contracts that share the technical department, so one
/// week of it is over-allocated; a casting that arrives after its need-by date (its risk fires); funds not yet
/// approved; an absence; a risk review meeting; and calendar feed links for 李强 and the technical department
/// (`/feeds/demo-feed-liqiang.ics`, `/feeds/demo-feed-technical.ics`).
enum DemoResources {
    static let feedTokens = ["liqiang": "demo-feed-liqiang", "technical": "demo-feed-technical"]

    static func seed(db: any Database, now: Date, newID: @escaping @Sendable () -> UUID) async throws {
        let today = LocalDate(date: now, in: JSONCoding.displayTimeZone)
        let monday = ResourceLoad.weekStart(today)
        func day(_ offset: Int) -> String { today.adding(days: offset).description }
        var users: [String: User] = [:]
        for u in try await User.query(on: db).all() { users[u.username] = u }
        var departments: [String: UUID] = [:]
        for d in try await Department.query(on: db).all() { departments[d.code] = d.id }
        var contracts: [String: Contract] = [:]
        for c in try await Contract.query(on: db).all() { contracts[c.number] = c }
        let milestones = try await Milestone.query(on: db).all()
        func milestone(_ number: String, _ name: String) -> Milestone? {
            guard let c = contracts[number] else { return nil }
            return milestones.first { $0.$contract.id == c.id && $0.name == name }
        }
        let save = { (m: any AuditedModelBox) in try await m.save(db: db, now: now) }

        for (code, headcount) in [("technical", 4), ("project", 3), ("service", 5)] {
            guard let d = departments[code] else { continue }
            let c = DepartmentCapacity()
            c.id = newID(); c.departmentID = d; c.headcount = headcount; c.calendarID = "cn-workday"; c.version = 1
            try await c.create(on: db)
        }
        if let tech = departments["technical"] {
            let a = ResourceAbsence()
            a.id = newID(); a.departmentID = tech; a.userID = users["zhaolei"]?.id; a.person = "赵磊"
            a.startsOn = monday.adding(days: 7).description; a.endsOn = monday.adding(days: 8).description; a.people = 1; a.note = "年假"
            try await save(Box(a))
        }

        func line(_ m: Milestone, _ kind: ResourceKind, _ fill: (ResourceLine) -> Void) -> ResourceLine {
            let l = ResourceLine()
            l.id = newID(); l.contractID = m.$contract.id; l.milestoneID = m.id!; l.kind = kind; l.approved = false
            fill(l)
            return l
        }
        var risks: [Risk] = []
        if let c = contracts["HT-2026-0012"], let m = milestone("HT-2026-0012", "生产进度50%") {
            try await save(Box(line(m, .person) { l in
                l.departmentID = departments["technical"]; l.role = "装配钳工"; l.personDays = 24
                l.startsOn = monday.description; l.endsOn = monday.adding(days: 4).description; l.persons = "赵磊等4人" }))
            try await save(Box(line(m, .person) { l in
                l.departmentID = departments["project"]; l.role = "项目经理"; l.personDays = 10
                l.startsOn = monday.description; l.endsOn = monday.adding(days: 11).description }))
            try await save(Box(line(m, .material) { l in
                l.item = "主轴铸件"; l.quantity = 8; l.unit = "件"; l.supplier = "华力铸造有限公司"
                l.needBy = day(-2); l.expectedOn = day(5); l.note = "供应商熔炼炉检修，交期推迟一周" }))
            try await save(Box(line(m, .material) { l in
                l.item = "直线导轨"; l.quantity = 16; l.unit = "套"; l.supplier = "上银科技"; l.needBy = day(10); l.expectedOn = day(8) }))
            try await save(Box(line(m, .fund) { l in
                l.amountMinor = 38_000_000; l.currency = "CNY"; l.needBy = day(5); l.source = "设备采购款（预付款）" }))
            try await save(Box(line(m, .fund) { l in
                l.amountMinor = 12_000_000; l.currency = "CNY"; l.needBy = day(-10); l.source = "原材料款"; l.approved = true
                l.approvedBy = users["chenjing"]?.displayName ?? "陈静"; l.approvedAt = now.addingTimeInterval(-86400 * 14) }))
            risks.append(DemoMonitoring.risk(c, "主轴铸件到货晚于需求日期", .supply, 4, 4, "催促华力铸造并启用备用铸造厂",
                                             RiskTrigger(kind: .materialLate, days: 1), owner: users["liqiang"]?.id, newID: newID))
            risks.append(DemoMonitoring.risk(c, "设备采购款未按时审批", .payment, 3, 3, "财务部优先审批预付款",
                                             RiskTrigger(kind: .fundsUnapproved, days: 7), owner: users["chenjing"]?.id, newID: newID))
        }
        if let c = contracts["HT-2026-0018"], let m = milestone("HT-2026-0018", "现场安装调试") {
            try await save(Box(line(m, .person) { l in
                l.departmentID = departments["technical"]; l.role = "电气调试工程师"; l.personDays = 12
                l.startsOn = monday.description; l.endsOn = monday.adding(days: 4).description }))
            risks.append(DemoMonitoring.risk(c, "技术部同期承担多个项目，人力超负荷", .resource, 3, 4, "调配外协调试人员，错峰安排现场调试",
                                             RiskTrigger(kind: .departmentOverload, percent: 20), owner: users["zhaolei"]?.id, newID: newID))
        }
        for r in risks { try await DemoMonitoring.save(r, db: db, now: now) }

        if let c = contracts["HT-2026-0012"] {
            let review = RiskReview()
            review.id = newID(); review.contractID = c.id!
            review.heldAt = monday.adding(days: -3).startOfDay(in: JSONCoding.displayTimeZone).addingTimeInterval(14 * 3600)
            review.departmentsJSON = String(decoding: try JSONEncoder().encode(["project", "technical", "finance"].compactMap { departments[$0] }), as: UTF8.self)
            review.attendees = "项目部李强、技术部赵磊、财务部陈静、分管领导周敏"
            review.riskIDsJSON = String(decoding: try JSONEncoder().encode(risks.filter { $0.$contract.id == c.id }.compactMap(\.id)), as: UTF8.self)
            review.riskChanges = "新增：主轴铸件到货晚于需求日期（4×4）；新增：设备采购款未按时审批（3×3）"
            review.decisions = "1. 采购部当日联系备用铸造厂报价；2. 财务部三个工作日内完成预付款审批；3. 技术部本周调配外协人员支援装配"
            review.recordedBy = "李强"
            try await save(Box(review))
        }

        for (owner, secret) in feedTokens {
            let t = FeedToken()
            t.id = newID(); t.tokenHash = TokenHash.of(secret); t.createdAt = now; t.version = 1; t.label = "演示"
            if let u = users[owner] {
                t.scope = .user; t.userID = u.id; t.createdByID = u.id!
            } else if let d = departments[owner], let head = users["zhaolei"] {
                t.scope = .department; t.departmentID = d; t.createdByID = head.id!
            } else { continue }
            try await t.create(on: db)
        }

        let ctx = MonitorContext(now: now, newID: newID, actor: Actor(id: nil, name: "demo"))
        let monitored = contracts.values.filter { RiskEngine.monitoredStatuses.contains($0.status) }.compactMap(\.id)
        try await RiskEngine.evaluate(contractIDs: monitored, on: db, ctx: ctx)
    }
}

/// Lets the seed save models of different types through one closure.
private protocol AuditedModelBox { func save(db: any Database, now: Date) async throws }
private struct Box<M: AuditedModel>: AuditedModelBox {
    let model: M
    init(_ model: M) { self.model = model }
    func save(db: any Database, now: Date) async throws { try await DemoMonitoring.save(model, db: db, now: now) }
}
