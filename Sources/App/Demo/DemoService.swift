import Fluent
import Foundation
import LvyueCore

/// After-sales service in the demo (issue #6): service plans for the delivered (HT-2026-0007) and in-service
/// (HT-2025-0131) contracts with their start notices and upcoming inspections, and requests in every state — a breached
/// urgent fault, remote support under way, an engineer on site with a half-ticked checklist, a request waiting on the
/// customer (paused), a rejected one, one closed with a rating and a follow-up call, one with an open objection — plus a
/// mail from an unknown sender in triage. Runs inside the demo loader's transaction.
enum DemoService {
    static func seed(db: any Database, now: Date, newID: @escaping @Sendable () -> UUID, clocks: ServiceClockContext,
                     workday: WorkCalendar) async throws {
        let desk = try await User.query(on: db).filter(\.$username == "liuyang").first()
        let engineer = try await User.query(on: db).filter(\.$username == "sunwei").first()
        let deskActor = Actor(id: desk?.id, name: desk?.displayName ?? "demo")
        let engActor = Actor(id: engineer?.id, name: engineer?.displayName ?? "demo")
        let today = LocalDate(date: now, in: JSONCoding.displayTimeZone)
        // Normal requests run on cn-workday; where the statutory data for the coming weeks is missing (a later year),
        // the demo plans run them on 7x24 rather than fail.
        let workdayKnown = (try? workday.addWorkingDays(today, 10)) != nil
        var policy = ClockPolicy()
        if !workdayKnown { policy.calendars = ["normal.respond": "7x24", "normal.solve": "7x24", "inspection.confirm": "7x24"] }

        var plans: [String: ServicePlan] = [:]
        for (number, calendar, contactName, phone) in [("HT-2026-0007", "7x24", "刘洋", "400-820-0007"), ("HT-2025-0131", "7x24", "刘洋", "400-820-0131")] {
            guard let c = try await Contract.query(on: db).filter(\.$number == number).first() else { continue }
            let ctx = MonitorContext(now: now, newID: newID, actor: deskActor)
            let start = try await ServicePlanService.acceptanceDay(of: c, on: db) ?? today
            let p = ServicePlan()
            p.id = newID()
            p.contractID = c.id!
            p.customerID = c.$customer.id
            p.warrantyStart = start.description
            p.warrantyEnd = start.addingMonths(12).adding(days: -1).description
            p.calendarID = calendar
            p.faultResponse = true
            p.inspectionMonths = 3
            p.upgrades = true
            p.training = number == "HT-2026-0007"
            p.contactName = contactName
            p.contactPhone = phone
            p.contactEmail = "service@lvyue.example.cn"
            p.channels = [.phone, .portal, .email]
            p.clockPolicy = policy
            p.notes = number == "HT-2025-0131" ? "运维服务合同：含季度巡检与软件升级。" : nil
            p.version = 1
            p.createdAt = now
            try await p.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: deskActor, action: "create", entityType: ServicePlan.entityType,
                                      entityID: p.id!.uuidString, after: p.response(ResponseContext(now: now)))
            try await InspectionService.generate(for: p, on: db, ctx: ctx, workday: workday, clocks: clocks)
            let n = ServiceNotice()
            n.id = newID()
            n.planID = p.id!
            n.sentTo = "黄丽（huangli@nfdw.example.cn）"
            n.channel = "email"
            n.sentAt = now.addingTimeInterval(-86400 * 10)
            n.sentBy = deskActor.name
            try await n.create(on: db)
            plans[number] = p
        }
        guard let newPlan = plans["HT-2026-0007"], let oldPlan = plans["HT-2025-0131"] else { return }

        func h(_ hours: Double) -> Date { now.addingTimeInterval(-hours * 3600) }
        func request(_ plan: ServicePlan, _ type: RequestType, _ urgency: Urgency, remote: Bool = false, channel: ServiceChannel = .phone,
                     title: String, _ description: String, received: Date,
                     steps: [(RequestEventType, Double, RequestEventInput)]) async throws -> ServiceRequest {
            let ctx = MonitorContext(now: now, newID: newID, actor: deskActor)
            let input = ServiceRequestCreateInput(customerId: plan.customerID, contractId: plan.contractID, channel: channel.rawValue,
                                                  type: type.rawValue, urgency: urgency.rawValue, remoteSolvable: remote, title: title,
                                                  description: description, contactName: "黄丽", contactEmail: "huangli@nfdw.example.cn",
                                                  contactPhone: "13823456789", receivedAt: received, engineerId: nil, departmentId: nil)
            let r = try await ServiceRequestService.insert(input, on: db, ctx: ctx, clocks: clocks)
            for (type, hoursAgo, stepInput) in steps {
                let who = [.confirm, .reject, .close, .dispatch].contains(type) ? ctx : MonitorContext(now: now, newID: newID, actor: engActor)
                if type == .resolve {
                    for item in try await ChecklistItem.query(on: db).filter(\.$requestID == r.id!).all() {
                        item.done = true
                        item.doneAt = h(hoursAgo + 0.2)
                        item.doneBy = engActor.name
                        try await item.save(on: db)
                    }
                }
                try await ServiceRequestService.apply(type, stepInput, note: stepInput.note, at: h(hoursAgo), to: r, on: db, ctx: who)
                try await ServiceRequestService.event(r, type.rawValue, at: h(hoursAgo),
                                                      note: stepInput.note ?? stepInput.reason ?? stepInput.solution ?? stepInput.signerName, on: db, ctx: who)
                r.version += 1
            }
            try await ServiceRequestService.refresh(r, on: db, ctx: ctx, clocks: clocks)
            return r
        }
        let assign = RequestEventInput(engineerId: engineer?.id)
        let none = RequestEventInput()

        // A breached urgent fault: confirmed, engineer assigned, but no response within 2 h nor on site within 4 h.
        _ = try await request(newPlan, .faultRepair, .urgent, title: "3号开闭所DTU通信中断",
                              "3号开闭所配电终端(DTU)与主站通信中断，遥信遥测全部无数据，影响线路自动化运行。", received: h(6),
                              steps: [(.confirm, 5.7, none), (.assign, 5.6, assign)])
        // Urgent, remote-solvable, remote support started in time.
        _ = try await request(newPlan, .faultRepair, .urgent, remote: true, title: "终端参数异常告警",
                              "主站收到5台DTU参数异常告警，怀疑远程升级后配置丢失。", received: h(0.4),
                              steps: [(.confirm, 0.35, none), (.remoteStart, 0.2, assign)])
        // Urgent, engineer on site with the checklist half done.
        let onsite = try await request(newPlan, .faultRepair, .urgent, title: "开关柜终端电源模块故障",
                                       "7号环网柜DTU无法上电，现场指示灯全灭。", received: h(3),
                                       steps: [(.confirm, 2.9, none), (.respond, 2.5, none), (.dispatch, 2.4, assign), (.arrive, 0.5, none)])
        for item in try await ChecklistItem.query(on: db).filter(\.$requestID == onsite.id!).filter(\.$position <= 2).all() {
            item.done = true
            item.doneAt = h(0.3)
            item.doneBy = engActor.name
            item.note = item.position == 2 ? "电源模块输出电压为0，确认模块损坏" : nil
            try await item.save(on: db)
        }
        // A normal request waiting on the customer: its clocks are paused.
        _ = try await request(oldPlan, .consultation, .normal, channel: .email, title: "巡检报告导出格式咨询",
                              "希望巡检系统导出的报告支持Excel格式，请确认是否可配置。", received: h(5),
                              steps: [(.confirm, 4.8, none), (.respond, 4.0, none), (.pause, 3.5, RequestEventInput(note: "等待客户提供现场导出样例"))])
        // Rejected: not a service request.
        _ = try await request(oldPlan, .other, .normal, title: "咨询采购新设备报价", "客户询问新增20台巡检机器人的报价。", received: h(30),
                              steps: [(.reject, 29.5, RequestEventInput(reason: "属于销售咨询，已转销售部跟进"))])
        // Closed with sign-off, rating and a follow-up call.
        let closed = try await request(oldPlan, .upgrade, .normal, title: "巡检系统软件升级至V3.2", "按计划升级巡检主站软件至V3.2版本。",
                                       received: h(70), steps: [
                                        (.confirm, 69.5, none), (.respond, 69, none), (.dispatch, 60, assign), (.arrive, 56, none),
                                        (.resolve, 52, RequestEventInput(solution: "完成V3.2升级，备份配置并验证巡检任务、告警推送正常。")),
                                        (.signOff, 51.8, RequestEventInput(signerName: "黄丽")), (.close, 30, none)])
        try await rating(closed, (5, 4, 5, 5), "工程师升级过程规范，沟通及时。", at: h(51.7), db: db, newID: newID)
        try await followUp(closed, at: h(40), outcome: .satisfied, notes: "客户确认系统运行稳定。", by: deskActor, db: db, newID: newID)
        try await ServiceRequestService.event(closed, "follow_up", at: h(40), note: "satisfied", on: db, ctx: MonitorContext(now: now, newID: newID, actor: deskActor))
        try await ServiceRequestService.refresh(closed, on: db, ctx: MonitorContext(now: now, newID: newID, actor: deskActor), clocks: clocks)
        // Signed off, follow-up call pending, an objection being resolved.
        let objected = try await request(newPlan, .training, .normal, title: "主站运维人员操作培训", "为客户运维班组提供终端维护操作培训。",
                                         received: h(40), steps: [
                                            (.confirm, 39.8, none), (.respond, 39, none), (.dispatch, 30, assign), (.arrive, 26, none),
                                            (.resolve, 22, RequestEventInput(solution: "完成2天培训，共12人参加。")),
                                            (.signOff, 21.5, RequestEventInput(signerName: "黄丽"))])
        try await rating(objected, (4, 3, 5, 4), "培训教材希望提供电子版。", at: h(21.4), db: db, newID: newID)
        _ = try await SatisfactionService.insertObjection(objected, description: "客户认为培训时长不足，要求补充一次实操培训。", source: "customer",
                                                          at: h(6), on: db, ctx: MonitorContext(now: now, newID: newID, actor: deskActor), clocks: clocks)
        // Just received by email, not yet confirmed.
        _ = try await request(oldPlan, .faultRepair, .normal, channel: .email, title: "2号巡检机器人充电异常",
                              "2号巡检机器人返回充电桩后无法充电，电量持续下降。", received: h(0.3), steps: [])

        let t = TriageItem()
        t.id = newID()
        t.fromAddress = "wang.gong@unknown-plant.example.cn"
        t.fromName = "王工"
        t.subject = "终端设备报修"
        t.body = "你好，我厂新装的配电终端有一台无法登录维护界面，请安排人员处理。"
        t.receivedAt = h(1)
        t.status = .pending
        t.version = 1
        try await t.create(on: db)
    }

    static func rating(_ r: ServiceRequest, _ s: (Int, Int, Int, Int), _ comment: String, at: Date, db: any Database,
                       newID: @Sendable () -> UUID) async throws {
        let x = ServiceRating()
        x.id = newID()
        x.requestID = r.id!
        (x.speed, x.solving, x.attitude, x.professionalism) = s
        x.comment = comment
        x.source = "sign_off"
        x.ratedAt = at
        try await x.create(on: db)
    }

    static func followUp(_ r: ServiceRequest, at: Date, outcome: FollowUpOutcome, notes: String, by: Actor, db: any Database,
                         newID: @Sendable () -> UUID) async throws {
        let f = FollowUp()
        f.id = newID()
        f.requestID = r.id!
        f.calledAt = at
        f.callerName = by.name
        f.callerID = by.id
        f.outcome = outcome
        f.notes = notes
        try await f.create(on: db)
    }
}
