import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// The sizes of `lvyue demo --scale`. L is the size DESIGN.md §7 holds every capability to.
struct ScaleSize: Sendable {
    var name: String
    var contracts: Int
    var milestonesPerContract = 10
    var requests: Int
    var customers: Int
    var engineers: Int
    var managers: Int

    static let S = ScaleSize(name: "S", contracts: 100, requests: 5_000, customers: 20, engineers: 8, managers: 5)
    static let M = ScaleSize(name: "M", contracts: 1_000, requests: 50_000, customers: 100, engineers: 30, managers: 20)
    static let L = ScaleSize(name: "L", contracts: 10_000, requests: 500_000, customers: 1_000, engineers: 120, managers: 80)

    /// Legal and finance headcount is this many times a base; improvement actions raised per quarter.
    var staffScale: Int { max(1, contracts / 1_000) }
    var actionsPerQuarter: Int { contracts >= 10_000 ? 8 : contracts >= 1_000 ? 4 : 2 }

    static func named(_ name: String) -> ScaleSize? { [S, M, L].first { $0.name == name.uppercased() } }
}

/// A small deterministic generator (SplitMix64): the same seed gives the same data set.
struct ScaleRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x2545_F491_4F6C_DD1D &+ 1 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &self) }
    mutating func double(_ r: Range<Double>) -> Double { Double.random(in: r, using: &self) }
    mutating func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &self)] }
    /// A UUIDv7 whose time part is `at` and whose random part comes from this generator.
    mutating func uuid(at date: Date) -> UUID {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let r1 = next(), r2 = next()
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8((ms >> (8 * (5 - UInt64(i)))) & 0xff) }
        for i in 6..<16 { b[i] = UInt8(truncatingIfNeeded: (i < 11 ? r1 : r2) >> (8 * UInt64(i % 8))) }
        b[6] = (b[6] & 0x0f) | 0x70
        b[8] = (b[8] & 0x3f) | 0x80
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}

/// The generator's progress bar is the one the long commands share (`TerminalProgress`).
typealias ScaleProgress = TerminalProgress

/// Fills an empty database with a realistic, deterministic data set of size S, M or L: three years of contracts
/// with milestones (late ones with causes), payment nodes, service plans, service requests in every state with
/// their step events, breaches and their alerts, escalations, ratings, and an audit event per contract, request
/// and escalation that continues the hash chain (actor `generator`, action `generate`), so `lvyue audit verify`
/// passes. Rows are written as multi-row INSERTs with bound parameters, many thousands per transaction.
struct ScaleGenerator {
    let size: ScaleSize
    let seed: UInt64
    /// Generated history ends at the start of this day (Asia/Shanghai); nothing is dated after it.
    let asOf: LocalDate
    let passwordHash: String

    struct Summary: Sendable {
        var contracts = 0, milestones = 0, paymentNodes = 0, plans = 0, requests = 0, requestEvents = 0
        var ratings = 0, alerts = 0, escalations = 0, auditEvents = 0, users = 0, customers = 0
        /// Resource plans, capacities, risks, meetings, inspections, follow-ups, objections, improvement actions.
        var extras = ScaleExtras.Counts()
    }

    static let actor = "generator"

    // Names and texts in the standard's language.
    static let regions = ["华东", "华南", "华北", "西南", "西北", "东北", "华中"]
    static let trades = ["精密机械", "电力设备", "轨道交通", "医疗器械", "化工材料", "汽车零部件", "智能制造", "水务工程", "半导体", "新能源"]
    static let industries = ["装备制造", "能源电力", "建筑施工", "医疗健康", "化工", "汽车", "电子信息"]
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
    static let givenNames = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚"]
    static let milestoneNames = ["合同签订", "方案设计", "设计评审", "原材料采购", "生产制造", "出厂检验", "发货运输", "安装调试", "试运行", "竣工验收"]
    static let delayReasons: [(DelayCause, String)] = [
        (.rawMaterial, "原材料到货延迟"), (.supplier, "供应商交付延期"), (.production, "产能不足，排产推迟"),
        (.designChange, "客户提出设计变更"), (.customer, "客户现场条件未具备"), (.quality, "检验不合格返工"),
        (.logistics, "物流运输受阻"), (.weather, "连续降雨影响施工"), (.policy, "政策调整审批延后"), (.resource, "人员调配不足"),
    ]
    static let requestTitles: [(RequestType, String)] = [
        (.faultRepair, "设备运行异常报警"), (.faultRepair, "控制系统无法启动"), (.faultRepair, "液压系统压力不稳"),
        (.faultRepair, "传感器读数漂移"), (.consultation, "操作规程咨询"), (.consultation, "备件型号咨询"),
        (.upgrade, "控制软件升级"), (.inspection, "定期巡检"), (.training, "新员工操作培训"), (.other, "资料补发"),
    ]

    func run(_ app: Application, progress: ScaleProgress? = nil) async throws -> Summary {
        let db = app.db
        let progress = progress ?? ScaleProgress(total: Self.work(size))
        var rng = ScaleRandom(seed: seed)
        var summary = Summary()
        let zoneOffset = Double(JSONCoding.displayTimeZone.secondsFromGMT(for: Date()))
        let end = Date(timeIntervalSince1970: Double(asOf.daysSinceEpoch) * 86400 - zoneOffset)
        let start = end.addingTimeInterval(-3 * 365 * 86400)
        func day(_ t: Date) -> LocalDate { LocalDate(daysSinceEpoch: Int(((t.timeIntervalSince1970 + zoneOffset) / 86400).rounded(.down))) }
        func midnight(_ d: LocalDate) -> Date { Date(timeIntervalSince1970: Double(d.daysSinceEpoch) * 86400 - zoneOffset) }
        func person(_ r: inout ScaleRandom) -> String { String(r.pick(Self.surnames)) + r.pick(Self.givenNames) + (r.chance(0.5) ? r.pick(Self.givenNames) : "") }

        let departments = try await Department.query(on: db).all()
        func dept(_ code: String) -> UUID? { departments.first { $0.code == code }?.id }
        let projectDept = dept("project"), serviceDept = dept("service"), technicalDept = dept("technical")

        let w = BulkWriter()
        w.define(User.schema, ["id", "username", "display_name", "email", "phone", "department_id", "role", "customer_id",
                               "password_hash", "active", "version", "created_at", "updated_at"])
        w.define(Customer.schema, ["id", "name", "short_name", "industry", "address", "version", "created_at", "updated_at"])
        w.define(CustomerContact.schema, ["id", "customer_id", "name", "title", "phone", "email", "version", "created_at", "updated_at"])
        w.define(Contract.schema, ["id", "number", "title", "customer_id", "category", "amount_minor", "currency", "signed_on", "starts_on",
                                   "ends_on", "status", "owner_id", "department_id", "update_cadence_days", "description", "version",
                                   "created_at", "updated_at"])
        w.define(Milestone.schema, ["id", "contract_id", "sequence", "name", "weight", "planned_on", "actual_on", "progress", "delay_cause",
                                    "delay_reason", "next_step", "department_id", "version", "created_at", "updated_at"])
        w.define(PaymentNode.schema, ["id", "contract_id", "milestone_id", "name", "amount_due_minor", "due_on", "received_minor",
                                      "received_on", "note", "version", "created_at", "updated_at"])
        w.define(ServicePlan.schema, ["id", "contract_id", "customer_id", "warranty_start", "warranty_end", "calendar_id", "fault_response",
                                      "inspection_months", "upgrades", "training", "contact_name", "contact_phone", "contact_email",
                                      "channels", "clock_policy", "notes", "version", "created_at"])
        w.define(Escalation.schema, ["id", "number", "contract_id", "milestone_id", "detected_at", "raised_at", "raise_due_at", "raised_on_time",
                                     "description", "impact", "initial_fix", "level", "departments", "status", "resolve_by", "deadline_seq",
                                     "overdue_handled_seq", "resolution", "resolved_at", "closed_at", "raised_by_name", "version",
                                     "created_at", "updated_at"])
        w.define(ServiceRequest.schema, Self.requestColumns)
        w.define(ServiceRequestEvent.schema, ["id", "request_id", "type", "at", "actor_id", "actor_name", "note", "recorded_at"])
        w.define(ServiceRating.schema, ["id", "request_id", "speed", "solving", "attitude", "professionalism", "comment", "source", "rated_at"])
        w.define(Alert.schema, ["id", "source", "source_id", "condition_key", "firing_seq", "contract_id", "milestone_id", "level", "title",
                                "reason", "status", "fired_at", "acknowledged_at", "acknowledged_by", "resolved_at", "version"])
        w.define(AuditEvent.schema, ["seq", "at_ms", "actor_id", "actor_name", "action", "entity_type", "entity_id", "before", "after",
                                     "prev_hash", "hash"])
        let extras = ScaleExtras(seed: seed, writer: w, asOf: asOf, end: end, zoneOffset: zoneOffset, departments: departments)
        extras.define()

        // The audit chain continues from the current tip.
        let head = try await AuditHead.find(1, on: db)
        var auditSeq = head?.lastSeq ?? 0
        var auditHash = head?.lastHash ?? AuditHash.genesis
        let mark = "{\"generated\":\"scale \(size.name) seed \(seed)\"}"
        func audit(_ at: Date, _ type: String, _ id: UUID, _ label: String) {
            auditSeq += 1
            let e = AuditEvent()
            e.id = auditSeq
            e.atMilliseconds = Int64((at.timeIntervalSince1970 * 1000).rounded())
            e.actorName = Self.actor
            e.action = "generate"
            e.entityType = type
            e.entityID = id.uuidString
            e.after = "{\"label\":\"\(label)\",\(mark.dropFirst())"
            e.previousHash = auditHash
            e.hash = AuditHash.hash(previous: auditHash, payload: e.canonicalPayload)
            auditHash = e.hash
            w.add(AuditEvent.schema, [.int(auditSeq), .int(Int(e.atMilliseconds)), .null, .text(Self.actor), .text("generate"),
                                      .text(type), .text(e.entityID), .null, .text(e.after!), .text(e.previousHash), .text(e.hash)])
            summary.auditEvents += 1
        }
        /// Writes what is queued in one transaction, with the audit tip moved in the same transaction.
        func commit(_ phase: String, rows: Int) async throws {
            let seq = auditSeq, hash = auditHash
            try await Store.write(app) { tx in
                let txSQL = tx.sql
                try await w.flush(on: txSQL)
                try await txSQL.delete(from: AuditHead.schema).run()
                try await txSQL.insert(into: AuditHead.schema).columns("id", "last_seq", "last_hash")
                    .values(SQLBind(1), SQLBind(seq), SQLBind(hash)).run()
            }
            progress.advance(rows, phase)
        }

        // People: project managers and service engineers (demo password).
        var managers: [(UUID, String)] = [], engineers: [(UUID, String)] = []
        for i in 0..<(size.managers + size.engineers) {
            let isEngineer = i >= size.managers
            let id = rng.uuid(at: start)
            let name = person(&rng)
            let username = (isEngineer ? "eng" : "pm") + String(format: "%04d", isEngineer ? i - size.managers + 1 : i + 1)
            w.add(User.schema, [.uuid(id), .text(username), .text(name), .text("\(username)@example.cn"), .null,
                                (isEngineer ? serviceDept : projectDept).bulk, .text(isEngineer ? Role.engineer.rawValue : Role.project.rawValue),
                                .null, .text(passwordHash), .bool(true), .int(1), .time(start), .time(start)])
            if isEngineer { engineers.append((id, name)) } else { managers.append((id, name)) }
            summary.users += 1
        }

        // Customers, one contact each.
        var customers: [(UUID, String)] = []
        for i in 0..<size.customers {
            let id = rng.uuid(at: start)
            let region = Self.regions[i % Self.regions.count]
            let trade = Self.trades[(i / Self.regions.count) % Self.trades.count]
            let name = "\(region)\(trade)第\(i + 1)有限公司"
            w.add(Customer.schema, [.uuid(id), .text(name), .text("\(region)\(trade)\(i + 1)"), .text(rng.pick(Self.industries)),
                                    .text("\(region)某市高新区\(i + 1)号"), .int(1), .time(start), .time(start)])
            let contact = person(&rng)
            w.add(CustomerContact.schema, [.uuid(rng.uuid(at: start)), .uuid(id), .text(contact), .text("设备部经理"),
                                           .text("139\(String(format: "%08d", i))"), .text("contact\(i + 1)@customer.example.cn"),
                                           .int(1), .time(start), .time(start)])
            customers.append((id, contact))
            summary.customers += 1
        }
        try await commit("people", rows: 0)

        // Contracts with milestones, payment nodes, service plans; some late milestones escalated.
        struct ContractRow { let id: UUID; let customer: UUID; let contact: String; let plan: UUID?; let signed: Date }
        var contracts: [ContractRow] = []
        contracts.reserveCapacity(size.contracts)
        var escalationCounter: [Int: Int] = [:]
        let categories: [ContractCategory] = [.manufacturing, .manufacturing, .service, .construction, .other]
        let span = end.timeIntervalSince(start) - 30 * 86400
        for i in 0..<size.contracts {
            // Signed dates ascend through the three years, so numbers read in date order.
            let signed = start.addingTimeInterval(span * (Double(i) + rng.double(0..<1)) / Double(size.contracts))
            let signedDay = day(signed)
            let startsDay = signedDay.adding(days: rng.int(0...30))
            let endsDay = startsDay.adding(days: rng.int(180...720))
            let id = rng.uuid(at: signed)
            let (customer, contact) = customers[rng.int(0...(customers.count - 1))]
            let category = rng.pick(categories)
            let daysLeft = asOf.days(to: endsDay)
            let status: ContractStatus =
                daysLeft < -90 ? (rng.chance(0.8) ? .closed : rng.chance(0.8) ? .inService : .terminated)
                : daysLeft < 0 ? (rng.chance(0.6) ? .delivered : .inService)
                : (rng.chance(0.02) ? .draft : .active)
            let owner = managers[rng.int(0...(managers.count - 1))]
            let amount = rng.int(50...5_000) * 10_000_00
            let number = DocumentNumber.make("HT", year: signedDay.year, i + 1, digits: 5)
            let title = "\(rng.pick(Self.trades))项目\(i + 1)期"
            w.add(Contract.schema, [.uuid(id), .text(number), .text(title), .uuid(customer), .text(category.rawValue), .int(amount), .text("CNY"),
                                    .text(signedDay.description), .text(startsDay.description), .text(endsDay.description), .text(status.rawValue),
                                    .uuid(owner.0), projectDept.bulk, .int(rng.pick([7, 14, 30])), .null, .int(1), .time(signed), .time(signed)])
            audit(signed, Contract.entityType, id, number)
            summary.contracts += 1

            // Milestones spread evenly from start to end.
            let n = size.milestonesPerContract
            let length = startsDay.days(to: endsDay)
            var milestoneIDs: [UUID] = []
            var lateOpen: (UUID, LocalDate, DelayCause)?
            var previous = startsDay
            for s in 0..<n {
                let planned = startsDay.adding(days: length * (s + 1) / n)
                let mid = rng.uuid(at: signed)
                milestoneIDs.append(mid)
                var actual: String? = nil, progress = 0, cause: DelayCause? = nil, reason: String? = nil, next: String? = nil
                if status == .terminated && planned > asOf.adding(days: -120) {
                    progress = 0
                } else if planned < asOf {
                    let roll = rng.double(0..<1)
                    if roll < 0.68 {
                        actual = planned.adding(days: -rng.int(0...5)).description; progress = 100
                    } else if roll < 0.93 || asOf.days(to: planned) < -200 || status == .closed {
                        let late = rng.int(1...45)
                        let d = planned.adding(days: late)
                        if d < asOf {
                            actual = d.description; progress = 100
                        } else { progress = rng.int(50...95) }
                        let why = rng.pick(Self.delayReasons)
                        cause = why.0; reason = why.1
                        next = progress == 100 ? nil : "协调资源，预计一周内完成"
                    } else {
                        progress = rng.int(20...90)
                        let why = rng.pick(Self.delayReasons)
                        cause = why.0; reason = why.1
                        next = "已召开协调会，跟踪整改"
                        if lateOpen == nil { lateOpen = (mid, planned, cause!) }
                    }
                } else if planned.days(to: asOf) > -30 {
                    progress = rng.int(0...80)
                }
                w.add(Milestone.schema, [.uuid(mid), .uuid(id), .int(s + 1), .text(Self.milestoneNames[s % Self.milestoneNames.count]),
                                         .double(1.0 / Double(n)), .text(planned.description), actual.bulk, .int(progress),
                                         (cause?.rawValue).bulk, reason.bulk, next.bulk, (s < 4 ? technicalDept : projectDept).bulk,
                                         .int(1), .time(signed), .time(signed)])
                summary.milestones += 1
                extras.milestone(contract: id, milestone: mid, sequence: s, from: previous, to: planned, amountMinor: amount,
                                 done: actual != nil || status == .closed, created: signed, managers: managers, engineers: engineers)
                previous = planned.adding(days: 1)
            }
            extras.risks(contract: id, monitored: RiskEngine.monitoredStatuses.contains(status), signed: signed, owner: owner,
                         milestones: milestoneIDs)
            // Payments: 30 % advance, 60 % on acceptance, 10 % retention.
            for (k, (name, share, m)) in [("预付款", 30, 0), ("验收款", 60, n - 1), ("质保金", 10, n - 1)].enumerated() {
                let due = k == 2 ? endsDay.adding(days: 365) : startsDay.adding(days: length * (m + 1) / n)
                let paid = due < asOf && rng.chance(0.85)
                let receivedOn = paid ? due.adding(days: rng.int(-5...40)) : nil
                let receivedDay = receivedOn.map { $0 < asOf ? $0 : asOf.adding(days: -1) }
                w.add(PaymentNode.schema, [.uuid(rng.uuid(at: signed)), .uuid(id), .uuid(milestoneIDs[m]), .text(name),
                                           .int(amount * share / 100), .text(due.description), .int(paid ? amount * share / 100 : 0),
                                           (receivedDay?.description).bulk, .null, .int(1), .time(signed), .time(signed)])
                summary.paymentNodes += 1
            }
            // A service plan for equipment and service contracts: warranty from the end for one to three years.
            var plan: UUID?
            if category != .construction {
                let pid = rng.uuid(at: signed)
                plan = pid
                let warrantyEnd = endsDay.adding(days: 365 * rng.int(1...3))
                let months = rng.pick([3, 6, 12])
                w.add(ServicePlan.schema, [.uuid(pid), .uuid(id), .uuid(customer), .text(startsDay.description),
                                           .text(warrantyEnd.description), .text("cn-workday"),
                                           .bool(true), .int(months), .bool(rng.chance(0.5)), .bool(rng.chance(0.5)),
                                           .text(contact), .text("13900000000"), .null, .text("[\"phone\",\"portal\",\"email\"]"),
                                           .text(Self.defaultPolicy), .null, .int(1), .time(signed)])
                summary.plans += 1
                extras.inspections(plan: pid, contract: id, from: startsDay, to: warrantyEnd, months: months, terminated: status == .terminated,
                                   contact: contact, created: signed)
            }
            // Most contracts with a late, unfinished milestone escalate it.
            if let (mid, planned, cause) = lateOpen, rng.chance(0.7) {
                let detected = midnight(planned).addingTimeInterval(9 * 3600)
                let raised = detected.addingTimeInterval(rng.double(3600..<(36 * 3600)))
                let year = day(raised).year
                let escNumber = (escalationCounter[year] ?? 0) + 1
                escalationCounter[year] = escNumber
                let escalationNumber = DocumentNumber.make("ESC", year: year, escNumber, digits: 4)
                let eid = rng.uuid(at: raised)
                let resolved = rng.chance(0.6) && raised.addingTimeInterval(10 * 86400) < end
                let resolvedAt = resolved ? raised.addingTimeInterval(rng.double(86400..<(10 * 86400))) : nil
                let status: EscalationStatus = resolved ? (rng.chance(0.7) ? .closed : .resolved) : (rng.chance(0.5) ? .inProgress : .open)
                let resolveBy = raised.addingTimeInterval(7 * 86400)
                w.add(Escalation.schema, [.uuid(eid), .text(escalationNumber), .uuid(id), .uuid(mid),
                                          .time(detected), .time(raised), .time(detected.addingTimeInterval(86400)),
                                          .bool(raised < detected.addingTimeInterval(86400)), .text("里程碑延期：\(cause.rawValue)"),
                                          .text("影响后续交付节点"), .text("已协调加班赶工"), .int(rng.int(1...3)),
                                          .text("[\"\((projectDept ?? id).uuidString)\"]"), .text(status.rawValue), .time(resolveBy),
                                          .int(1), .int(0), resolved ? .text("已完成整改") : .null, resolvedAt.bulk,
                                          status == .closed ? resolvedAt.bulk : .null, .text(owner.1), .int(resolved ? 3 : 1),
                                          .time(raised), .time(resolvedAt ?? raised)])
                audit(raised, Escalation.entityType, eid, escalationNumber)
                extras.escalation(eid, raised: raised, onTime: raised < detected.addingTimeInterval(86400), resolveBy: resolveBy,
                                  resolvedAt: resolvedAt, status: status, owner: owner.1)
                summary.escalations += 1
                // The milestone's late alert, still open.
                w.add(Alert.schema, [.uuid(rng.uuid(at: detected)), .text(AlertSource.milestone.rawValue), .uuid(mid), .text("late"), .int(1),
                                     .uuid(id), .uuid(mid), .text(AlertLevel.breach.rawValue), .text("\(number) 里程碑逾期"),
                                     .text("计划 \(planned.description) 未完成"), .text(AlertStatus.open.rawValue), .time(detected),
                                     .null, .null, .null, .int(1)])
                summary.alerts += 1
            }
            contracts.append(ContractRow(id: id, customer: customer, contact: contact, plan: plan, signed: signed))
            if w.pendingRows >= 40_000 { try await commit("contracts", rows: w.pendingRows) }
        }
        extras.capacities(scale: size.staffScale)
        extras.improvementActions(from: day(start), perQuarter: size.actionsPerQuarter, owners: managers)
        try await commit("contracts", rows: w.pendingRows)

        // Service requests, received in date order through the three years.
        var requestCounter: [Int: Int] = [:]
        let requestSpan = end.timeIntervalSince(start) - 3600
        for i in 0..<size.requests {
            let received = start.addingTimeInterval(requestSpan * (Double(i) + rng.double(0..<1)) / Double(size.requests))
            let c = contracts[rng.int(0...(contracts.count - 1))]
            let receivedYear = day(received).year
            let n = (requestCounter[receivedYear] ?? 0) + 1
            requestCounter[receivedYear] = n
            let number = DocumentNumber.make("SR", year: receivedYear, n, digits: 6)
            let id = rng.uuid(at: received)
            let (type, title) = rng.pick(Self.requestTitles)
            let urgency: Urgency = type == .inspection ? .periodic : (rng.chance(0.25) ? .urgent : .normal)
            let channel = rng.pick([ServiceChannel.phone, .phone, .portal, .email, .onSite])
            let engineer = engineers[rng.int(0...(engineers.count - 1))]
            let age = end.timeIntervalSince(received)
            // How far the request has got: old requests are finished; recent ones are spread over the steps.
            let reached: Int
            let rejected = rng.chance(0.04)
            if age > 30 * 86400 { reached = rng.chance(0.96) ? 8 : rng.int(6...7) } else { reached = rng.int(0...8) }
            let breachedRespond = rng.chance(urgency == .urgent ? 0.12 : 0.05)
            var t = received
            var steps: [(String, Date)] = [("received", received)]
            func step(_ name: String, _ minutes: ClosedRange<Double>) -> Date? {
                let next = t.addingTimeInterval(rng.double(minutes.lowerBound * 60..<minutes.upperBound * 60))
                guard next < end else { return nil }
                t = next
                steps.append((name, next))
                return next
            }
            var confirmed: Date?, rejectedAt: Date?, responded: Date?, remote: Date?, dispatched: Date?, onsite: Date?
            var resolved: Date?, signed: Date?, closed: Date?
            if rejected && reached > 0 {
                rejectedAt = step("reject", 5...240)
            } else {
                if reached >= 1 { confirmed = step("confirm", 3...90) }
                if reached >= 2, confirmed != nil { responded = step("respond", breachedRespond ? 300...2000 : 10...200) }
                if reached >= 3, responded != nil, type == .faultRepair || rng.chance(0.5) { remote = step("remote_start", 10...300) }
                let onsiteNeeded = type == .faultRepair && rng.chance(0.55) || type == .inspection || type == .training
                if reached >= 4, responded != nil, onsiteNeeded { dispatched = step("dispatch", 30...600) }
                if reached >= 5, dispatched != nil { onsite = step("arrive", 60...1440) }
                if reached >= 6, responded != nil { resolved = step("resolve", 60...4320) }
                if reached >= 7, resolved != nil { signed = step("sign_off", 30...2880) }
                if reached >= 8, signed != nil { closed = step("close", 60...4320) }
            }
            let status: RequestStatus =
                closed != nil ? .closed : signed != nil ? .signedOff : resolved != nil ? .resolved : onsite != nil ? .onSite
                : dispatched != nil ? .dispatched : remote != nil ? .remoteSupport : responded != nil ? .responded
                : rejectedAt != nil ? .rejected : confirmed != nil ? .confirmed : .received
            let open = status.isOpen
            let breached = breachedRespond && responded != nil
            let nextDue: Date? = open ? received.addingTimeInterval(urgency == .urgent ? 4 * 3600 : 3 * 86400) : nil
            let by = engineer.1
            w.add(ServiceRequest.schema, [
                .uuid(id), .text(number), .int(steps.count), .time(received), .time(t), .uuid(c.customer), .uuid(c.id), c.plan.bulk, .null,
                .text(channel.rawValue), .text(type.rawValue), .text(urgency.rawValue), .bool(rng.chance(0.3)), .bool(c.plan == nil),
                .text(title), .text("\(title)，请尽快安排处理。"), .text(c.contact), .null, .text("13900000000"), .time(received),
                .text(status.rawValue), .bool(open && rng.chance(0.05)), .int(0), .uuid(engineer.0), .text(by), serviceDept.bulk,
                confirmed.bulk, confirmed == nil ? .null : .text(by), rejectedAt.bulk, rejectedAt == nil ? .null : .text(by),
                rejectedAt == nil ? .null : .text("不属于服务范围"), responded.bulk, responded == nil ? .null : .text(by),
                remote.bulk, remote == nil ? .null : .text(by), dispatched.bulk, dispatched == nil ? .null : .text(by),
                onsite.bulk, onsite == nil ? .null : .text(by), resolved.bulk, resolved == nil ? .null : .text(by),
                resolved == nil ? .null : .text("更换故障部件，测试正常"), signed == nil ? .null : .text(c.contact), signed.bulk,
                closed.bulk, closed == nil ? .null : .text(by), .text("cn-workday"), .text(Self.defaultPolicy), nextDue.bulk, nextDue.bulk,
                .bool(breached),
            ])
            for (k, (name, at)) in steps.enumerated() {
                w.add(ServiceRequestEvent.schema, [.uuid(rng.uuid(at: at)), .uuid(id), .text(name), .time(at), k == 0 ? .null : .uuid(engineer.0),
                                                   .text(k == 0 ? "服务台" : by), .text(k == 0 ? "channel: \(channel.rawValue)" : name), .time(at)])
                summary.requestEvents += 1
            }
            if breached, let responded {
                let key = urgency == .urgent ? "urgent.respond.breach" : "service.confirm.breach"
                let fired = received.addingTimeInterval(urgency == .urgent ? 2 * 3600 : 4 * 3600)
                w.add(Alert.schema, [.uuid(rng.uuid(at: fired)), .text(AlertSource.serviceRequest.rawValue), .uuid(id), .text(key), .int(1),
                                     .uuid(c.id), .null, .text(AlertLevel.breach.rawValue), .text("\(number) \(title)"), .text("响应超时"),
                                     .text(AlertStatus.resolved.rawValue), .time(min(fired, responded)), .null, .null, .time(responded), .int(2)])
                summary.alerts += 1
            }
            if let signed, rng.chance(0.45) {
                let speed = breached ? rng.int(2...4) : rng.int(3...5)
                w.add(ServiceRating.schema, [.uuid(rng.uuid(at: signed)), .uuid(id), .int(speed), .int(rng.int(3...5)), .int(rng.int(4...5)),
                                             .int(rng.int(3...5)), rng.chance(0.2) ? .text("工程师响应及时，服务专业") : .null,
                                             .text(rng.chance(0.6) ? "link" : "desk"), .time(signed)])
                summary.ratings += 1
            }
            if let signed { extras.afterService(request: id, signed: signed, engineer: by) }
            audit(received, ServiceRequest.entityType, id, number)
            summary.requests += 1
            if (i + 1) % 25_000 == 0 { try await commit("service requests", rows: w.pendingRows) }
        }
        try await commit("service requests", rows: w.pendingRows)
        summary.extras = extras.counts

        // Counters continue after the generated numbers; the small demo set is marked as loaded so it is not mixed in.
        let requestNumbers = requestCounter, escalationNumbers = escalationCounter
        let marks = [(DemoData.marker, JSONCoding.formatInstant(end)),
                     (Self.marker, "scale \(size.name) seed \(seed) as of \(asOf.description)")]
        try await Store.write(app) { tx in
            let txSQL = tx.sql
            for (year, n) in requestNumbers { try await Self.setCounter("service_request.\(year)", n, on: txSQL) }
            for (year, n) in escalationNumbers { try await Self.setCounter("escalation.\(year)", n, on: txSQL) }
            for (key, value) in marks {
                try await txSQL.insert(into: Setting.schema).columns("key", "value").values(SQLBind(key), SQLBind(value)).run()
            }
        }
        progress.finish()
        return summary
    }

    static let marker = "scale_generated"
    static let defaultPolicy = JSONText.encode(ClockPolicy())

    static func setCounter(_ name: String, _ value: Int, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO counters (name, value) VALUES (\(bind: name), \(bind: value))
            ON CONFLICT (name) DO UPDATE SET value = \(bind: value)
            """).run()
    }

    /// Rows the progress bar counts (one per row written).
    static func work(_ size: ScaleSize) -> Int {
        size.contracts * (2 + size.milestonesPerContract + 3 + 1 + 40) + size.requests * 8
    }

    static let requestColumns = [
        "id", "number", "version", "created_at", "updated_at", "customer_id", "contract_id", "plan_id", "inspection_id",
        "channel", "type", "urgency", "remote_solvable", "paid_service", "title", "description", "contact_name", "contact_email",
        "contact_phone", "received_at", "status", "waiting", "reopen_count", "engineer_id", "engineer_name", "department_id",
        "confirmed_at", "confirmed_by", "rejected_at", "rejected_by", "reject_reason", "responded_at", "responded_by",
        "remote_at", "remote_by", "dispatched_at", "dispatched_by", "onsite_at", "onsite_by", "resolved_at", "resolved_by",
        "solution", "signed_by", "signed_at", "closed_at", "closed_by", "calendar_id", "clock_policy", "next_due_at", "next_check_at",
        "breached",
    ]

    /// Whether the database already holds business data (users and departments of a first start do not count).
    static func isEmpty(_ db: any Database) async throws -> Bool {
        let contracts = try await Contract.query(on: db).count()
        let customers = try await Customer.query(on: db).count()
        let requests = try await ServiceRequest.query(on: db).count()
        return contracts + customers + requests == 0
    }
}

/// `lvyue demo --scale S|M|L [--seed N] [--as-of YYYY-MM-DD]` — fills an empty database with a generated data set.
struct DemoScaleCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "scale", help: "S (100 contracts, 5 000 requests), M (1 000, 50 000) or L (10 000, 500 000)") var scale: String?
        @Option(name: "seed", help: "random seed (default 1): the same seed and as-of day give the same data") var seed: UInt64?
        @Option(name: "as-of", help: "the day generated history ends (default today, Asia/Shanghai)") var asOf: String?
    }
    var help: String { "Fill an empty database with a large, realistic demo data set (--scale S|M|L)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let raw = signature.scale, let size = ScaleSize.named(raw) else {
            throw CLIError("--scale must be S, M or L")
        }
        let app = context.application
        var asOf = LocalDate(date: app.deps.now(), in: JSONCoding.displayTimeZone)
        if let text = signature.asOf {
            guard let d = LocalDate(iso: text) else { throw CLIError("--as-of must be a date YYYY-MM-DD") }
            asOf = d
        }
        try await Lvyue.prepare(app, demo: false)
        guard try await ScaleGenerator.isEmpty(app.db) else {
            throw CLIError("the database already holds contracts, customers or service requests; "
                + "generate into an empty database (a new LVYUE_DB file, or a fresh PostgreSQL database)")
        }
        let hash = try await Passwords.hash(DemoData.password, app: app)
        let generator = ScaleGenerator(size: size, seed: signature.seed ?? 1, asOf: asOf, passwordHash: hash)
        let started = Date()
        let s = try await generator.run(app)
        let seconds = Date().timeIntervalSince(started)
        context.console.print(String(format: "generated scale %@ (seed %llu, as of %@) in %.1f s:", size.name, generator.seed,
                                     asOf.description, seconds))
        context.console.print("  \(s.customers) customers, \(s.users) users, \(s.contracts) contracts, \(s.milestones) milestones, "
            + "\(s.paymentNodes) payment nodes, \(s.plans) service plans")
        context.console.print("  \(s.requests) service requests, \(s.requestEvents) request events, \(s.ratings) ratings, "
            + "\(s.alerts) alerts, \(s.escalations) escalations, \(s.auditEvents) audit events")
        let x = s.extras
        context.console.print("  \(x.resourceLines) resource lines, \(x.capacities) department capacities, \(x.absences) absences, "
            + "\(x.risks) risks, \(x.riskReviews) risk reviews")
        context.console.print("  \(x.escalationMeetings) escalation meetings, \(x.escalationEvents) escalation events, "
            + "\(x.inspections) inspections, \(x.followUps) follow-up calls, \(x.objections) objections, "
            + "\(x.improvementActions) improvement actions")
        context.console.print("  users pm0001…, eng0001… log in with password \(DemoData.password)")
    }
}
