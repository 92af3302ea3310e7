import Fluent
import Foundation
import LvyueCore

/// Demo history for the quarterly report (issue #7): two finished contracts whose milestones, escalations and payments
/// fall in the previous and the current quarter (late ones with causes, so the Pareto reads "raw material supply"
/// first), closed service requests with their clocks, ratings and objections, and improvement actions raised from the
/// previous quarter's report. Dated relative to the demo's clock like the rest of the demo.
enum DemoAnalytics {
    static func seed(db: any Database, now: Date, newID: @escaping @Sendable () -> UUID, clocks: ServiceClockContext) async throws {
        let zone = JSONCoding.displayTimeZone
        let today = LocalDate(date: now, in: zone)
        let current = Quarter(containing: today), previous = current.previous
        let ctx = MonitorContext(now: now, newID: newID, actor: Actor(id: nil, name: "demo"))
        var users: [String: User] = [:]
        for u in try await User.query(on: db).all() { users[u.username] = u }
        var departments: [String: UUID] = [:]
        for d in try await Department.query(on: db).all() { departments[d.code] = d.id }
        let customers = try await Customer.query(on: db).sort(\.$name).all()
        guard customers.count >= 2, let project = departments["project"] else { return }

        /// A day `fraction` of the way through the previous quarter, or through the elapsed part of this one.
        func pDay(_ n: Int) -> LocalDate { previous.firstDay.adding(days: n) }
        let elapsed = max(1, current.firstDay.days(to: today))
        func qDay(_ fraction: Double) -> LocalDate { current.firstDay.adding(days: min(elapsed - 1, Int(Double(elapsed) * fraction))) }
        func at(_ d: LocalDate, _ hour: Double) -> Date { d.startOfDay(in: zone).addingTimeInterval(hour * 3600) }

        // Two finished contracts carry the history.
        func contract(_ number: String, _ title: String, _ customer: Customer, _ category: ContractCategory, _ amount: Int64,
                      _ status: ContractStatus, dept: String) async throws -> Contract {
            let c = Contract()
            c.id = newID()
            c.number = number
            c.title = title
            c.$customer.id = customer.id!
            c.category = category
            c.amountMinor = amount
            c.currency = "CNY"
            c.signedOn = previous.firstDay.adding(days: -60).description
            c.startsOn = previous.firstDay.adding(days: -45).description
            c.endsOn = today.adding(days: -1).description
            c.status = status
            c.$owner.id = users["liqiang"]?.id
            c.$department.id = departments[dept]
            c.updateCadenceDays = 14
            c.summary = "历史合同：用于季度履约分析报告的演示数据。"
            try await DemoMonitoring.save(c, db: db, now: now)
            return c
        }
        let lathe = try await contract("HT-2025-0088", "数控车床批量供货合同", customers[0], .manufacturing, 186_000_000, .closed, dept: "project")
        let steel = try await contract("HT-2025-0102", "二期厂房钢结构工程合同", customers[min(2, customers.count - 1)], .construction, 524_000_000,
                                       .delivered, dept: "project")

        // Milestones: (contract, name, planned, days late or nil, cause, reason).
        var seq = 0
        func milestone(_ c: Contract, _ name: String, _ planned: LocalDate, late: Int?, _ cause: DelayCause? = nil, _ reason: String? = nil) async throws {
            let m = Milestone()
            m.id = newID()
            m.$contract.id = c.id!
            m.sequence = seq
            seq += 1
            m.name = name
            m.weight = 10
            m.plannedOn = planned.description
            let actual = planned.adding(days: late ?? 0)
            m.actualOn = actual < today ? actual.description : nil
            m.progress = m.actualOn == nil ? 80 : 100
            m.delayCause = cause
            m.delayReason = reason
            m.$department.id = project
            try await DemoMonitoring.save(m, db: db, now: now)
        }
        let history: [(Contract, String, LocalDate, Int?, DelayCause?, String?)] = [
            (lathe, "原材料采购完成", pDay(5), 6, .rawMaterial, "铸件毛坯供应商交货推迟"),
            (lathe, "床身加工完成", pDay(18), 0, nil, nil),
            (lathe, "主轴装配完成", pDay(30), 4, .rawMaterial, "主轴轴承到货延迟"),
            (lathe, "整机调试完成", pDay(44), 0, nil, nil),
            (lathe, "出厂检验通过", pDay(55), 2, .quality, "精度复检一次"),
            (lathe, "发货", pDay(62), 0, nil, nil),
            (steel, "钢材进场", pDay(10), 9, .rawMaterial, "钢厂排产紧张，H型钢晚到"),
            (steel, "钢柱吊装完成", pDay(35), 0, nil, nil),
            (steel, "钢梁安装完成", pDay(58), 5, .weather, "连续降雨停工"),
            (steel, "屋面板安装完成", pDay(75), 0, nil, nil),
            (steel, "竣工预验收", pDay(85), 3, .supplier, "防火涂料供应商延期"),
            (lathe, "到货验收", qDay(0.1), 0, nil, nil),
            (lathe, "安装调试完成", qDay(0.3), 3, .logistics, "物流延误两天到场"),
            (steel, "消防验收", qDay(0.2), 0, nil, nil),
            (steel, "竣工验收", qDay(0.5), 4, .rawMaterial, "整改所需型材到货晚"),
            (steel, "资料移交", qDay(0.7), 0, nil, nil),
            (lathe, "操作培训完成", qDay(0.8), 2, .customer, "客户推迟培训日期"),
        ]
        for h in history { try await milestone(h.0, h.1, h.2, late: h.3, h.4, h.5) }

        // Escalations, all closed: raised in time or late, resolved in time or late.
        let texts = [("铸件毛坯交货推迟，影响主轴装配节点", "主轴装配延后约一周", "启用备选铸造厂"),
                     ("H型钢晚到，吊装计划顺延", "钢结构节点延后9天", "协调钢厂优先排产"),
                     ("防火涂料供应商延期交货", "预验收推迟", "更换同等级涂料供应商"),
                     ("安装调试现场物流延误", "调试延后两天", "改用专线物流")]
        let plan: [(Contract, Int, LocalDate, Double, Double, Double)] = [
            // (contract, text, detected day, raise after h, resolve after h, level)
            (lathe, 0, pDay(4), 6, 40, 1), (steel, 1, pDay(9), 30, 70, 2), (steel, 2, pDay(84), 10, 30, 1), (lathe, 3, qDay(0.3), 20, 60, 1),
        ]
        for (c, text, day, raiseAfter, resolveAfter, level) in plan {
            let detected = at(day, 9), raised = detected.addingTimeInterval(raiseAfter * 3600)
            guard raised.addingTimeInterval((resolveAfter + 1) * 3600) < now else { continue }
            let e = try await DemoMonitoring.escalation(c, milestone: nil, number: 0, detected: detected, raised: raised, level: Int(level), text: texts[text],
                                                        departments: [project], raisedBy: "李强", db: db, ctx: ctx)
            e.status = .closed
            e.resolvedAt = raised.addingTimeInterval(resolveAfter * 3600)
            e.closedAt = e.resolvedAt
            e.resolution = texts[text].2 + "，已落实"
            e.overdueHandledSeq = e.deadlineSeq
            e.version += 1
            try await e.update(on: db)
        }

        // Payments: one overdue with a balance in each quarter.
        for (c, name, due, amount, received) in [(lathe, "预付款", pDay(3), Int64(55_800_000), Int64(55_800_000)),
                                                 (lathe, "到货款", pDay(65), 74_400_000, 40_000_000),
                                                 (steel, "进度款", pDay(40), 157_200_000, 157_200_000),
                                                 (steel, "竣工款", qDay(0.6), 209_600_000, 0)] {
            let p = PaymentNode()
            p.id = newID()
            p.$contract.id = c.id!
            p.name = name
            p.amountDueMinor = amount
            p.dueOn = due.description
            p.receivedMinor = received
            p.receivedOn = received > 0 ? due.description : nil
            try await DemoMonitoring.save(p, db: db, now: now)
        }

        // Closed service requests with their clocks, ratings and an objection.
        let plans = try await ServicePlan.query(on: db).all()
        let desk = Actor(id: users["liuyang"]?.id, name: users["liuyang"]?.displayName ?? "demo")
        let engineer = users["sunwei"]
        if let plan = plans.first {
            // (type, urgency, channel, received, hours to respond, hours on site or solve, reopened, rating, objection)
            let requests: [(RequestType, Urgency, ServiceChannel, Date, Double, Double, Bool, (Int, Int, Int, Int), Bool)] = [
                (.faultRepair, .urgent, .phone, at(pDay(12), 10), 1, 3, false, (5, 5, 4, 5), false),
                (.faultRepair, .urgent, .phone, at(pDay(27), 15), 3, 6, true, (2, 3, 4, 3), true),
                (.consultation, .normal, .email, at(pDay(33), 9.5), 2, 20, false, (4, 4, 5, 4), false),
                (.faultRepair, .urgent, .portal, at(pDay(48), 11), 1.5, 3.5, false, (4, 4, 4, 5), false),
                (.upgrade, .normal, .phone, at(pDay(60), 10), 5, 30, false, (3, 4, 4, 4), false),
                (.faultRepair, .urgent, .phone, at(pDay(71), 14), 1, 5, true, (3, 2, 4, 3), false),
                (.training, .normal, .email, at(pDay(80), 9), 1, 8, false, (5, 4, 5, 5), false),
                (.faultRepair, .urgent, .phone, at(qDay(0.15), 10), 0.5, 2.5, false, (5, 5, 5, 4), false),
                (.consultation, .normal, .portal, at(qDay(0.35), 14), 1, 6, false, (4, 5, 5, 5), false),
                (.faultRepair, .urgent, .phone, at(qDay(0.55), 16), 1, 3, false, (4, 4, 5, 4), false),
            ]
            for (i, spec) in requests.enumerated() {
                let (type, urgency, channel, received, respondAfter, fixAfter, reopened, rating, objection) = spec
                let closedAt = received.addingTimeInterval((fixAfter + (reopened ? 48 : 0) + 30) * 3600)
                guard closedAt < now else { continue }
                let input = ServiceRequestCreateInput(customerId: plan.customerID, contractId: plan.contractID, channel: channel.rawValue,
                                                      type: type.rawValue, urgency: urgency.rawValue, remoteSolvable: false,
                                                      title: "\(["设备报修", "使用咨询", "升级", "培训"][min(3, i % 4)])（历史记录 \(i + 1)）",
                                                      description: "季度分析演示用的历史服务记录。", contactName: "黄丽", contactEmail: nil,
                                                      contactPhone: "13823456789", receivedAt: received, engineerId: nil, departmentId: nil)
                let r = try await ServiceRequestService.insert(input, on: db, ctx: ctx, clocks: clocks)
                var steps: [(RequestEventType, Double, RequestEventInput)] = [
                    (.confirm, 0.3, RequestEventInput()), (.respond, respondAfter, RequestEventInput()),
                ]
                if urgency == .urgent {
                    steps += [(.dispatch, respondAfter + 0.1, RequestEventInput(engineerId: engineer?.id)), (.arrive, fixAfter - 0.5, RequestEventInput())]
                }
                steps.append((.resolve, fixAfter, RequestEventInput(solution: "已处理，设备恢复正常。")))
                if reopened {
                    steps += [(.reopen, fixAfter + 20, RequestEventInput(note: "同一故障复发")),
                              (.resolve, fixAfter + 44, RequestEventInput(solution: "更换备件后恢复。"))]
                }
                let done = fixAfter + (reopened ? 48 : 0)
                steps += [(.signOff, done + 1, RequestEventInput(signerName: "黄丽")), (.close, done + 30, RequestEventInput())]
                for (step, hours, stepInput) in steps {
                    let when = received.addingTimeInterval(hours * 3600)
                    if step == .resolve {
                        for item in try await ChecklistItem.query(on: db).filter(\.$requestID == r.id!).all() where !item.done {
                            item.done = true
                            item.doneAt = when
                            item.doneBy = engineer?.displayName ?? "demo"
                            try await item.save(on: db)
                        }
                    }
                    var who = ctx
                    who.actor = [.confirm, .close, .dispatch].contains(step) ? desk : Actor(id: engineer?.id, name: engineer?.displayName ?? "demo")
                    try await ServiceRequestService.apply(step, stepInput, note: stepInput.note, at: when, to: r, on: db, ctx: who)
                    try await ServiceRequestService.event(r, step.rawValue, at: when, note: stepInput.note ?? stepInput.solution ?? stepInput.signerName,
                                                          on: db, ctx: who)
                    r.version += 1
                }
                // The follow-up call: within 24 h for most, late for every third.
                let called = received.addingTimeInterval((done + 1 + (i % 3 == 2 ? 30 : 6)) * 3600)
                try await DemoService.followUp(r, at: called, outcome: .satisfied, notes: "客户确认问题已解决。", by: desk, db: db, newID: newID)
                try await ServiceRequestService.event(r, "follow_up", at: called, note: "satisfied", on: db, ctx: ctx)
                try await DemoService.rating(r, rating, "", at: received.addingTimeInterval((done + 1.1) * 3600), db: db, newID: newID)
                if objection {
                    let o = try await SatisfactionService.insertObjection(r, description: "客户认为故障反复出现，要求彻底排查。", source: "follow_up",
                                                                          at: called, on: db, ctx: ctx, clocks: clocks)
                    o.status = .resolved
                    o.resolution = "更换整批同型号备件并延长保修三个月。"
                    o.resolvedAt = called.addingTimeInterval(30 * 3600)
                    o.resolvedBy = desk.name
                    o.nextCheckAt = nil
                    o.version += 1
                    try await o.update(on: db)
                }
                try await ServiceRequestService.refresh(r, on: db, ctx: ctx, clocks: clocks)
            }
        }

        // Improvement actions raised from the previous quarter's report.
        let actions: [(String?, String, CauseCategory, String, String, Int, ActionStatus, String?)] = [
            ("milestones.delay_rate", "原材料供应是延迟的首要原因（排列图第一位）", .supplier, "关键铸件、型材建立第二供应商，提前两周下单并每周跟踪到货",
             "project", 20, .verifiedEffective, "本季度原材料原因的延迟明显减少"),
            ("service.reopen_rate", "紧急故障重开率偏高，同一故障复发", .method, "故障处理后增加24小时运行观察，备件按批次排查", "service", elapsed + 20,
             .inProgress, nil),
            ("satisfaction.speed", "客户对响应速度的评分低于其他维度", .process, "客服排班覆盖午间，紧急报修15分钟内回电", "service", Int(Double(elapsed) * 0.8),
             .planned, nil),
        ]
        for (figure, finding, cause, measure, dept, dueOffset, status, review) in actions {
            guard let d = departments[dept] else { continue }
            let a = ImprovementAction()
            a.id = newID()
            a.quarter = previous.description
            a.figureKey = figure
            a.finding = finding
            a.causeCategory = cause
            a.measure = measure
            a.ownerDepartmentID = d
            a.ownerID = dept == "service" ? users["liuyang"]?.id : users["liqiang"]?.id
            a.dueOn = current.firstDay.adding(days: dueOffset).description
            a.status = status
            a.doneOn = status.isClosed ? current.firstDay.adding(days: min(dueOffset, elapsed - 1)).description : nil
            a.effectReview = review
            a.createdBy = users["zhoumin"]?.displayName ?? "demo"
            a.createdAt = min(now, at(previous.endDay, 10))
            a.updatedAt = a.createdAt
            try await DemoMonitoring.save(a, db: db, now: now)
        }
    }
}
