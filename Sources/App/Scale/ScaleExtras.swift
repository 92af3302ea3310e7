import Foundation
import LvyueCore

/// The rest of a generated data set, around what `ScaleGenerator` writes: each milestone's resource plan (people by
/// department and skill, materials with supplier and arrival — some late —, funds with need-by and approval),
/// department capacities and absences, each contract's risk table with machine-evaluable triggers and its risk review
/// meetings, escalation coordination meetings and events, the periodic inspections of service plans, follow-up calls
/// and objections after service, and improvement actions per quarter.
///
/// It draws from a random stream of its own (derived from the seed), so adding it left the contracts, milestones and
/// requests of a seed exactly as they were.
final class ScaleExtras {
    var rng: ScaleRandom
    let w: BulkWriter
    let asOf: LocalDate
    let end: Date
    let zoneOffset: Double
    let project: UUID?, technical: UUID?, service: UUID?, finance: UUID?, legal: UUID?

    struct Counts: Sendable {
        var resourceLines = 0, capacities = 0, absences = 0, risks = 0, riskReviews = 0, escalationMeetings = 0
        var escalationEvents = 0, inspections = 0, followUps = 0, objections = 0, improvementActions = 0
    }
    var counts = Counts()

    /// Planned person-days per department and week for the weeks ahead (index 0 = the week holding as-of), to size
    /// capacity so that some weeks are over-allocated and most are not.
    static let horizonWeeks = 12
    private var ahead: [UUID: [Double]] = [:]
    private let horizonStart: LocalDate

    init(seed: UInt64, writer: BulkWriter, asOf: LocalDate, end: Date, zoneOffset: Double, departments: [Department]) {
        rng = ScaleRandom(seed: seed ^ 0x7265_736F_7572_6365)  // "resource"
        w = writer
        self.asOf = asOf
        self.end = end
        self.zoneOffset = zoneOffset
        func dept(_ code: String) -> UUID? { departments.first { $0.code == code }?.id }
        project = dept("project"); technical = dept("technical"); service = dept("service"); finance = dept("finance"); legal = dept("legal")
        horizonStart = ResourceLoad.weekStart(asOf)
    }

    func define() {
        w.define(ResourceLine.schema, ["id", "contract_id", "milestone_id", "kind", "department_id", "role", "person_days", "starts_on",
                                       "ends_on", "persons", "item", "quantity", "unit", "supplier", "expected_on", "arrived_on", "need_by",
                                       "amount_minor", "currency", "source", "approved", "approved_by", "approved_at", "note", "version",
                                       "created_at", "updated_at"])
        w.define(Risk.schema, ["id", "contract_id", "description", "category", "likelihood", "impact", "mitigation", "owner_id", "status",
                               "trigger_kind", "trigger_days", "trigger_milestone_id", "trigger_percent", "fired", "firing_seq", "fired_at",
                               "last_reason", "evaluated_at", "version", "created_at", "updated_at"])
        w.define(RiskReview.schema, ["id", "contract_id", "held_at", "departments", "attendees", "risk_ids", "risk_changes", "decisions",
                                     "recorded_by", "version", "created_at"])
        w.define(EscalationMeeting.schema, ["id", "escalation_id", "held_at", "attendees", "decisions", "resolve_by", "recorded_by", "created_at"])
        w.define(EscalationEvent.schema, ["id", "escalation_id", "kind", "from_value", "to_value", "note", "actor_name", "at"])
        w.define(Inspection.schema, ["id", "plan_id", "contract_id", "sequence", "planned_on", "visit_at", "planned_at", "confirm_due_at",
                                     "confirmed_at", "confirmed_by", "status", "request_id", "result", "result_at", "next_check_at", "version"])
        w.define(FollowUp.schema, ["id", "request_id", "called_at", "caller_name", "caller_id", "outcome", "notes"])
        w.define(Objection.schema, ["id", "request_id", "raised_at", "source", "description", "status", "resolve_due_at", "resolution",
                                    "resolved_at", "resolved_by", "feedback", "feedback_at", "next_check_at", "version"])
        w.define(DepartmentCapacity.schema, ["id", "department_id", "headcount", "calendar_id", "version"])
        w.define(ResourceAbsence.schema, ["id", "department_id", "user_id", "person", "starts_on", "ends_on", "people", "note", "version"])
        w.define(ImprovementAction.schema, ["id", "version", "created_at", "updated_at", "quarter", "figure_key", "finding", "cause_category",
                                            "measure", "owner_department_id", "owner_id", "due_on", "status", "done_on", "effect_review",
                                            "created_by"])
    }

    func midnight(_ d: LocalDate) -> Date { Date(timeIntervalSince1970: Double(d.daysSinceEpoch) * 86400 - zoneOffset) }
    /// Generated history never passes the end (midnight of the as-of day).
    func capped(_ t: Date) -> Date { min(t, end.addingTimeInterval(-60)) }
    func person() -> String {
        String(rng.pick(ScaleGenerator.surnames)) + rng.pick(ScaleGenerator.givenNames) + (rng.chance(0.5) ? rng.pick(ScaleGenerator.givenNames) : "")
    }
    static func json(_ ids: [UUID]) -> String { "[" + ids.map { "\"\($0.uuidString)\"" }.joined(separator: ",") + "]" }

    // MARK: resource plans

    static let skills: [String: [String]] = [
        "technical": ["结构工程师", "电气工程师", "工艺工程师", "软件工程师"],
        "project": ["项目经理", "施工员", "安全员", "质量员"],
        "service": ["调试工程师", "培训讲师", "现场服务工程师"],
    ]
    static let materials: [(String, String, ClosedRange<Int>)] = [
        ("钢材 Q345B", "吨", 5...120), ("伺服电机", "台", 2...40), ("PLC 控制柜", "套", 1...6), ("液压泵站", "台", 1...4),
        ("电缆 YJV-4×95", "米", 200...3000), ("轴承 6312", "件", 20...400), ("传感器", "只", 10...200), ("减速机", "台", 2...20),
        ("不锈钢管 DN100", "米", 50...800), ("防腐涂料", "桶", 10...150),
    ]
    static let suppliers = ["宝钢股份", "汇川技术", "西门子（中国）", "恒立液压", "远东电缆", "人本轴承", "川仪股份", "国茂减速机",
                            "久立特材", "三棵树涂料", "正泰电器", "华中数控"]
    static let fundSources = ["项目预算", "客户预付款", "专项采购资金", "流动资金贷款"]

    /// The resource plan of one milestone that runs `from...to` (its planned day). Materials and funds belong to the
    /// purchasing, production, shipping and installation stages.
    func milestone(contract: UUID, milestone: UUID, sequence s: Int, from: LocalDate, to: LocalDate, amountMinor: Int, done: Bool,
                   created: Date, managers: [(UUID, String)], engineers: [(UUID, String)]) {
        let from = min(from, to)
        let days = from.days(to: to) + 1
        // People: the department doing the stage, sometimes a second skill; installation and trial run bring service.
        var people: [(UUID?, String)] = [(s < 4 ? technical : project, s < 4 ? "technical" : "project")]
        if rng.chance(0.3) { people.append(people[0]) }
        if s == 7 || s == 8 { people.append((service, "service")) }
        for (dept, code) in people {
            guard let dept else { continue }
            let skill = rng.pick(Self.skills[code]!)
            let pd = max(1, (Double(days) * 5 / 7 * rng.double(0.4..<2.2)).rounded())
            var named: String? = nil
            if rng.chance(0.35) {
                let pool = code == "service" ? engineers : managers
                named = pool.isEmpty ? nil : pool[rng.int(0...(pool.count - 1))].1
            }
            line(contract, milestone, "person", created, dept: dept, role: skill, personDays: pd, starts: from, ends: to, persons: named)
            accumulate(dept, pd, from, to)
        }
        if [3, 4, 6, 7].contains(s) {
            for _ in 0..<rng.int(1...3) {
                let (item, unit, qty) = rng.pick(Self.materials)
                let need = from.adding(days: Int(Double(days) * rng.double(0.2..<0.6)))
                // Most arrive on time; a supplier now and then is late, and a few late ones have not arrived yet.
                let late = rng.chance(0.14)
                var expected = late ? need.adding(days: rng.int(1...25)) : need.adding(days: -rng.int(0...10))
                var arrived: LocalDate? = nil
                if done || expected < asOf {
                    arrived = expected.adding(days: rng.chance(0.1) ? rng.int(1...6) : 0)
                    if arrived! >= asOf { arrived = done ? asOf.adding(days: -1) : nil }
                }
                if !done, arrived == nil, need < asOf, rng.chance(0.3) {
                    expected = asOf.adding(days: rng.int(0...14))  // overdue, with a new date promised by the supplier
                }
                line(contract, milestone, "material", created, item: item, quantity: Double(rng.int(qty)), unit: unit,
                     supplier: rng.pick(Self.suppliers), expected: expected, arrived: arrived, needBy: need)
            }
        }
        if [3, 4, 7].contains(s) {
            let need = from.adding(days: rng.int(0...max(0, min(10, days - 1))))
            let amount = amountMinor * rng.int(4...18) / 100 / 100_000 * 100_000
            let lead = asOf.days(to: need)
            let approved = done || (lead < -7 ? rng.chance(0.97) : lead < 14 ? rng.chance(0.7) : rng.chance(0.35))
            let approvedAt: Date? = approved ? capped(midnight(need.adding(days: -rng.int(2...20))).addingTimeInterval(10 * 3600)) : nil
            line(contract, milestone, "fund", created, needBy: need, amountMinor: max(100_000, amount), source: rng.pick(Self.fundSources),
                 approved: approved, approvedBy: approved ? "财务部 " + person() : nil, approvedAt: approvedAt)
        }
    }

    private func line(_ contract: UUID, _ milestone: UUID, _ kind: String, _ created: Date, dept: UUID? = nil, role: String? = nil,
                      personDays: Double? = nil, starts: LocalDate? = nil, ends: LocalDate? = nil, persons: String? = nil,
                      item: String? = nil, quantity: Double? = nil, unit: String? = nil, supplier: String? = nil, expected: LocalDate? = nil,
                      arrived: LocalDate? = nil, needBy: LocalDate? = nil, amountMinor: Int? = nil, source: String? = nil,
                      approved: Bool = false, approvedBy: String? = nil, approvedAt: Date? = nil) {
        w.add(ResourceLine.schema, [
            .uuid(rng.uuid(at: created)), .uuid(contract), .uuid(milestone), .text(kind), dept.bulk, role.bulk, personDays.map(BulkValue.double) ?? .null,
            (starts?.description).bulk, (ends?.description).bulk, persons.bulk, item.bulk, quantity.map(BulkValue.double) ?? .null, unit.bulk,
            supplier.bulk, (expected?.description).bulk, (arrived?.description).bulk, (needBy?.description).bulk,
            amountMinor.map(BulkValue.int) ?? .null, kind == "fund" ? .text("CNY") : .null, source.bulk, .bool(approved), approvedBy.bulk,
            approvedAt.bulk, .null, .int(1), .time(created), .time(created),
        ])
        counts.resourceLines += 1
    }

    /// Adds a person line's days, spread evenly over its calendar days, to the weeks ahead.
    private func accumulate(_ dept: UUID, _ pd: Double, _ from: LocalDate, _ to: LocalDate) {
        let horizonEnd = horizonStart.adding(days: 7 * Self.horizonWeeks - 1)
        guard to >= horizonStart, from <= horizonEnd else { return }
        let perDay = pd / Double(from.days(to: to) + 1)
        var weeks = ahead[dept] ?? Array(repeating: 0, count: Self.horizonWeeks)
        var d = max(from, horizonStart)
        while d <= min(to, horizonEnd) {
            weeks[horizonStart.days(to: d) / 7] += perDay
            d = d.adding(days: 1)
        }
        ahead[dept] = weeks
    }

    /// Headcount per department sized from the load ahead: the technical department runs hot (over capacity in its
    /// busiest weeks), project and service have room; legal and finance plan no person-days here. Then leave
    /// (absences) over the last eight and the next twelve weeks.
    func capacities(scale: Int) {
        // (department, planned load as a share of capacity over the next four weeks, fixed headcount)
        let target: [(UUID?, Double, Int)] = [(technical, 1.03, 0), (project, 0.9, 0), (service, 0.8, 0), (finance, 0, 4 * scale),
                                              (legal, 0, 2 * scale)]
        for (dept, utilisation, fixed) in target {
            guard let dept else { continue }
            let weeks = ahead[dept] ?? []
            // The mean of the first four weeks ahead (the load falls off later, as no new contract is signed after as-of).
            let near = weeks.prefix(4)
            let mean = near.isEmpty ? 0 : near.reduce(0, +) / Double(near.count)
            let headcount = fixed > 0 ? fixed : max(2, Int((mean / (5 * utilisation)).rounded()))
            w.add(DepartmentCapacity.schema, [.uuid(rng.uuid(at: end)), .uuid(dept), .int(headcount), .text("cn-workday"), .int(1)])
            counts.capacities += 1
            guard fixed == 0 else { continue }
            let perWeek = max(1, headcount / 25)
            for k in -8..<Self.horizonWeeks {
                let week = horizonStart.adding(days: 7 * k)
                for _ in 0..<perWeek {
                    let from = week.adding(days: rng.int(0...4))
                    let to = from.adding(days: rng.int(0...4))
                    w.add(ResourceAbsence.schema, [.uuid(rng.uuid(at: midnight(week))), .uuid(dept), .null, .text(person()),
                                                   .text(from.description), .text(to.description), .double(1),
                                                   .text(rng.pick(["年假", "年假", "病假", "外派培训", "婚假", "事假"])), .int(1)])
                    counts.absences += 1
                }
            }
        }
    }

    // MARK: risks

    static let riskTemplates: [(RiskCategory, RiskTriggerKind, String, String)] = [
        (.schedule, .milestoneLate, "关键节点延期影响整体交付", "周例会跟踪节点，必要时增加班次"),
        (.schedule, .forecastLate, "按当前进度预计无法按期完工", "压缩后续工序，提前协调客户验收窗口"),
        (.payment, .paymentOverdue, "客户回款逾期", "商务经理每周催收，必要时发函"),
        (.quality, .qualityFailed, "出厂检验不合格导致返工", "关键工序增加首件检验"),
        (.customer, .updateStale, "项目进度长期未更新，信息失真", "项目经理按周更新进度"),
        (.customer, .slaBreachRate, "售后响应超时比例偏高", "增加值班工程师"),
        (.supply, .materialLate, "关键物资到货晚于需求日期", "备选供应商询价，驻厂催货"),
        (.supply, .materialLate, "进口部件清关延误", "提前报关，预留缓冲期"),
        (.resource, .departmentOverload, "技术人员多项目并行，排期冲突", "部门间借调人员，错峰安排"),
        (.resource, .fundsUnapproved, "采购资金审批滞后", "提前两周提交付款申请"),
        (.policy, .manual, "环保政策调整可能影响施工许可", "跟踪主管部门通知"),
        (.technical, .manual, "新工艺首次应用，技术成熟度不足", "组织专家评审，先做样件"),
    ]

    /// Two to five rows of the contract's risk table, and one or two review meetings that filled it. Open contracts'
    /// risks wait for the sweeper's first pass to evaluate them; risks of finished contracts are closed.
    func risks(contract: UUID, monitored: Bool, signed: Date, owner: (UUID, String), milestones: [UUID]) {
        var ids: [UUID] = []
        var labels: [String] = []
        let reviewed = capped(signed.addingTimeInterval(rng.double(3 * 86400..<(20 * 86400))))
        for _ in 0..<rng.int(2...5) {
            let (category, kind, text, mitigation) = rng.pick(Self.riskTemplates)
            var days: Int? = nil, percent: Double? = nil, milestone: UUID? = nil
            switch kind {
            case .milestoneLate: days = rng.pick([3, 7, 14]); if rng.chance(0.3) { milestone = rng.pick(milestones) }
            case .paymentOverdue: days = rng.pick([15, 30])
            case .updateStale: days = rng.pick([14, 30])
            case .slaBreachRate: percent = rng.pick([5, 10, 15])
            case .materialLate: days = rng.pick([1, 3, 7]); if rng.chance(0.2) { milestone = milestones[3] }
            case .departmentOverload: percent = rng.pick([0, 10, 20])
            case .fundsUnapproved: days = rng.pick([3, 7, 14])
            default: break
            }
            let status: RiskStatus = !monitored ? .closed : kind == .manual && rng.chance(0.15) ? .triggered : rng.chance(0.2) ? .mitigating : .open
            let id = rng.uuid(at: reviewed)
            w.add(Risk.schema, [.uuid(id), .uuid(contract), .text(text), .text(category.rawValue), .int(rng.int(1...5)), .int(rng.int(1...5)),
                                .text(mitigation), .uuid(owner.0), .text(status.rawValue), .text(kind.rawValue), days.map(BulkValue.int) ?? .null,
                                milestone.bulk, percent.map(BulkValue.double) ?? .null, .bool(false), .int(0), .null, .null, .null, .int(1),
                                .time(reviewed), .time(reviewed)])
            ids.append(id)
            labels.append(text)
            counts.risks += 1
        }
        let departments = [project, technical, finance].compactMap { $0 } + (rng.chance(0.4) ? [service].compactMap { $0 } : [])
        let attendees = ([owner.1] + (0..<rng.int(2...4)).map { _ in person() }).joined(separator: "、")
        w.add(RiskReview.schema, [.uuid(rng.uuid(at: reviewed)), .uuid(contract), .time(reviewed), .text(Self.json(departments)), .text(attendees),
                                  .text(Self.json(ids)), .text("新增：" + labels.joined(separator: "；")),
                                  .text("风险表经各部门确认，责任人按应对措施落实，下次评审前更新状态"), .text(owner.1), .int(1), .time(reviewed)])
        counts.riskReviews += 1
        let second = capped(reviewed.addingTimeInterval(rng.double(60 * 86400..<(120 * 86400))))
        if second > reviewed.addingTimeInterval(86400), rng.chance(0.5) {
            w.add(RiskReview.schema, [.uuid(rng.uuid(at: second)), .uuid(contract), .time(second), .text(Self.json(departments)),
                                      .text(attendees), .text(Self.json(Array(ids.prefix(2)))), .text("复核：\(labels[0]) 维持原评级"),
                                      .text("季度复核，应对措施有效，继续跟踪"), .text(owner.1), .int(1), .time(second)])
            counts.riskReviews += 1
        }
    }

    // MARK: escalations

    /// The coordination meetings of an escalation (one, sometimes two) and its event trail.
    func escalation(_ id: UUID, raised: Date, onTime: Bool, resolveBy: Date, resolvedAt: Date?, status: EscalationStatus, owner: String) {
        event(id, "raised", nil, onTime ? "on_time" : "late", "升级上报", owner, raised)
        let meetings = rng.chance(0.35) ? 2 : 1
        var held = raised
        for k in 0..<meetings {
            held = held.addingTimeInterval(rng.double(2 * 3600..<(30 * 3600)))
            guard held < end, held < resolveBy, resolvedAt.map({ held < $0 }) ?? true else { break }
            let decisions = k == 0 ? "生产部加班赶工，采购部催交关键物料，\(LocalDate(date: resolveBy, in: JSONCoding.displayTimeZone).description) 前恢复进度"
                : "复核整改进度，技术部驻场支持"
            w.add(EscalationMeeting.schema, [.uuid(rng.uuid(at: held)), .uuid(id), .time(held),
                                             .text(([owner] + (0..<rng.int(2...4)).map { _ in person() }).joined(separator: "、")),
                                             .text(decisions), .time(resolveBy), .text(owner), .time(held)])
            counts.escalationMeetings += 1
            event(id, "meeting", JSONCoding.formatInstant(resolveBy), JSONCoding.formatInstant(resolveBy), decisions, owner, held)
        }
        if let resolvedAt {
            event(id, "status", EscalationStatus.inProgress.rawValue, EscalationStatus.resolved.rawValue, "已完成整改", owner, resolvedAt)
            if status == .closed {
                event(id, "status", EscalationStatus.resolved.rawValue, EscalationStatus.closed.rawValue, nil, owner, resolvedAt)
            }
        } else if status == .inProgress {
            event(id, "status", EscalationStatus.open.rawValue, EscalationStatus.inProgress.rawValue, nil, owner, capped(raised.addingTimeInterval(3600)))
        }
    }

    private func event(_ id: UUID, _ kind: String, _ from: String?, _ to: String?, _ note: String?, _ actor: String, _ at: Date) {
        w.add(EscalationEvent.schema, [.uuid(rng.uuid(at: at)), .uuid(id), .text(kind), from.bulk, to.bulk, note.bulk, .text(actor), .time(at)])
        counts.escalationEvents += 1
    }

    // MARK: service

    /// The plan's periodic inspections over the warranty: past ones done (a few with findings), the coming ones planned
    /// (confirmed with the customer when close), those of terminated contracts cancelled.
    func inspections(plan: UUID, contract: UUID, from: LocalDate, to: LocalDate, months: Int, terminated: Bool, contact: String, created: Date) {
        var k = 1
        while k <= 200 {
            var day = from.addingMonths(k * months)
            if day > to { break }
            if day.weekday == .sat { day = day.adding(days: 2) } else if day.weekday == .sun { day = day.adding(days: 1) }
            let visit = midnight(day).addingTimeInterval(Double(InspectionService.visitSecondOfDay))
            let confirmDue = visit.addingTimeInterval(-3 * 86400)
            let id = rng.uuid(at: created)
            if day < asOf {
                let finding = rng.chance(0.12)
                let status: InspectionStatus = terminated ? .cancelled : .done
                w.add(Inspection.schema, [.uuid(id), .uuid(plan), .uuid(contract), .int(k), .text(day.description), .time(visit), .time(created),
                                          .time(confirmDue), .time(visit.addingTimeInterval(-5 * 86400)), .text(contact), .text(status.rawValue), .null,
                                          status == .done ? .text(finding ? "发现液压管路渗漏，已更换密封件" : "设备运行正常，已完成巡检") : .null,
                                          status == .done ? .time(visit.addingTimeInterval(4 * 3600)) : .null, .null, .int(status == .done ? 3 : 2)])
            } else if terminated {
                w.add(Inspection.schema, [.uuid(id), .uuid(plan), .uuid(contract), .int(k), .text(day.description), .time(visit), .time(created),
                                          .null, .null, .null, .text(InspectionStatus.cancelled.rawValue), .null, .null, .null, .null, .int(2)])
            } else {
                let confirmed = asOf.days(to: day) <= 7 && rng.chance(0.8) || asOf.days(to: day) <= 3
                w.add(Inspection.schema, [.uuid(id), .uuid(plan), .uuid(contract), .int(k), .text(day.description), .time(visit), .time(created),
                                          .time(confirmDue), confirmed ? .time(capped(visit.addingTimeInterval(-6 * 86400))) : .null,
                                          confirmed ? .text(contact) : .null,
                                          .text((confirmed ? InspectionStatus.confirmed : .planned).rawValue), .null, .null, .null,
                                          confirmed ? .null : .time(confirmDue), .int(confirmed ? 2 : 1)])
            }
            counts.inspections += 1
            k += 1
        }
    }

    static let callers = ["客服部 林晓", "客服部 周敏", "客服部 陈洁", "客服部 王琳"]

    /// After sign-off: a follow-up call for about a third of the requests; an objection when the call found issues, or
    /// now and then raised by the customer. Objections are resolved within 48 h mostly; recent ones may still be open.
    func afterService(request: UUID, signed: Date, engineer: String) {
        var objectionAt: (Date, String)? = nil
        if rng.chance(0.35) {
            let called = signed.addingTimeInterval(rng.double(86400..<(3 * 86400)))
            if called < end {
                let roll = rng.double(0..<1)
                let outcome: FollowUpOutcome = roll < 0.86 ? .satisfied : roll < 0.93 ? .issues : .unreachable
                let notes: String? = outcome == .issues ? "客户反映故障复发" : outcome == .unreachable ? "电话无人接听" : (rng.chance(0.3) ? "客户满意" : nil)
                w.add(FollowUp.schema, [.uuid(rng.uuid(at: called)), .uuid(request), .time(called), .text(rng.pick(Self.callers)), .null,
                                        .text(outcome.rawValue), notes.bulk])
                counts.followUps += 1
                if outcome == .issues { objectionAt = (called, "follow_up") }
            }
        }
        if objectionAt == nil, rng.chance(0.01) {
            let raised = signed.addingTimeInterval(rng.double(3600..<(5 * 86400)))
            if raised < end { objectionAt = (raised, "customer") }
        }
        guard let (raised, source) = objectionAt else { return }
        let due = raised.addingTimeInterval(48 * 3600)
        let resolvedAt = raised.addingTimeInterval(rng.chance(0.9) ? rng.double(2 * 3600..<(40 * 3600)) : rng.double(50 * 3600..<(120 * 3600)))
        let resolved = resolvedAt < end
        let feedbackAt = resolvedAt.addingTimeInterval(2 * 3600)
        w.add(Objection.schema, [.uuid(rng.uuid(at: raised)), .uuid(request), .time(raised), .text(source),
                                 .text(source == "follow_up" ? "回访时客户反映问题未彻底解决" : "客户对处理结果有异议"),
                                 .text((resolved ? ObjectionStatus.resolved : .open).rawValue), .time(due),
                                 resolved ? .text("工程师二次上门，更换部件后复测正常") : .null, resolved ? .time(resolvedAt) : .null,
                                 resolved ? .text(engineer) : .null, resolved && feedbackAt < end ? .text("电话告知客户处理结果，客户认可") : .null,
                                 resolved && feedbackAt < end ? .time(feedbackAt) : .null, resolved ? .null : .time(due), .int(resolved ? 3 : 1)])
        counts.objections += 1
    }

    // MARK: improvement

    static let findings: [(String?, String, CauseCategory, String)] = [
        ("milestones.delay_rate", "里程碑延期率高于目标", .supplier, "关键物资实行双供应商，提前锁定交期"),
        ("milestones.delay_rate", "设计变更导致节点推迟", .process, "设计评审增加客户确认环节"),
        ("service.response_rate", "紧急服务响应超时", .people, "增设夜间值班工程师"),
        ("service.satisfaction", "客户满意度下降", .method, "完工后 24 小时内回访"),
        (nil, "安装调试返工次数偏多", .equipment, "调试前增加出厂联调"),
        (nil, "备件到货不及时", .material, "常用备件建立区域库存"),
        (nil, "跨部门协调效率低", .management, "每周召开多项目协调会"),
    ]

    /// Improvement actions raised from each quarter's report, `perQuarter` a quarter: old ones done and verified,
    /// recent ones in progress, a few overdue.
    func improvementActions(from start: LocalDate, perQuarter: Int, owners: [(UUID, String)]) {
        var year = start.year, q = (start.month - 1) / 3 + 1
        while true {
            guard let quarterEnd = LocalDate(year: q == 4 ? year + 1 : year, month: q == 4 ? 1 : q * 3 + 1, day: 1)?.adding(days: -1),
                  quarterEnd < asOf else { break }
            let raised = capped(midnight(quarterEnd.adding(days: rng.int(7...20))).addingTimeInterval(10 * 3600))
            for _ in 0..<perQuarter {
                let (figure, finding, cause, measure) = rng.pick(Self.findings)
                let due = quarterEnd.adding(days: rng.int(30...75))
                let age = due.days(to: asOf)
                let status: ActionStatus
                if age > 30 {
                    let r = rng.double(0..<1)
                    status = r < 0.7 ? .verifiedEffective : r < 0.8 ? .verifiedIneffective : .done
                } else if age > 0 {
                    status = rng.chance(0.5) ? .done : rng.chance(0.8) ? .inProgress : .planned
                } else {
                    status = rng.chance(0.6) ? .inProgress : .planned
                }
                let doneOn: LocalDate? = status.isClosed ? min(asOf.adding(days: -1), due.adding(days: -rng.int(0...20))) : nil
                let owner = owners.isEmpty ? nil : owners[rng.int(0...(owners.count - 1))]
                let dept = rng.pick([project, technical, service].compactMap { $0 })
                let updated = doneOn.map { capped(midnight($0).addingTimeInterval(15 * 3600)) } ?? raised
                w.add(ImprovementAction.schema, [.uuid(rng.uuid(at: raised)), .int(status == .planned ? 1 : status.isClosed ? 3 : 2), .time(raised),
                                                 .time(max(raised, updated)), .text("\(year)Q\(q)"), figure.bulk, .text(finding), .text(cause.rawValue),
                                                 .text(measure), .uuid(dept), (owner?.0).bulk, .text(due.description), .text(status.rawValue),
                                                 (doneOn?.description).bulk,
                                                 status == .verifiedEffective ? .text("下季度同类问题明显减少") : status == .verifiedIneffective ? .text("效果不明显，需进一步分析") : .null,
                                                 (owner?.1).bulk])
                counts.improvementActions += 1
            }
            if q == 4 { year += 1; q = 1 } else { q += 1 }
        }
    }
}
