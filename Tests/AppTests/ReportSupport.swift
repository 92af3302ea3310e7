@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// The quarterly report's fixture (issue #7): records written straight into the tables, dated around 2026Q2–Q4 in
/// Shanghai, so every expected figure in `ReportTests` can be computed by hand from this file.
enum ReportFixture {
    /// 2026-10-15 10:00 +08:00: 2026Q3 is closed, 2026Q4 is running.
    static let now = shanghai("2026-10-15T10:00:00")

    struct Ids {
        var contractA: UUID
        var contractB: UUID
        var customerA: UUID
        var project: UUID
        var requests: [String: UUID] = [:]
    }

    static func load(_ env: TestEnv) async throws -> Ids {
        env.clock.set(now)
        let a = UUID(uuidString: try await env.makeContract(number: "HT-2026-A01", customerName: "华东精密机械有限公司"))!
        let customerB = try await env.makeCustomer("江南电力设备有限公司")
        let b = try await env.api(.POST, "/contracts", json: [
            "number": "HT-2026-B01", "title": "运维服务合同", "customer_id": customerB, "category": "service", "amount": "300000.00",
            "status": "active",
        ])
        #expect(b.status == .created)
        let project = try await SecurityFixtures.departmentID(env, "project")
        let contractA = try #require(try await Contract.find(a, on: env.db))
        contractA.$department.id = project
        try await contractA.save(on: env.db)
        var ids = Ids(contractA: a, contractB: UUID(uuidString: b.id)!, customerA: contractA.$customer.id, project: project)

        // Milestones of A. 2026Q3: on time ×2 (#1, #5); late: +4 raw material, +10 raw material, open since 09-10 (35 days
        // at 10-15) supplier, +1 without a cause. 2026Q2: one on time, one +2 raw material. One in Q4, not yet due.
        let milestonesA: [(String, String?, DelayCause?)] = [
            ("2026-07-10", "2026-07-10", nil), ("2026-08-01", "2026-08-05", .rawMaterial), ("2026-08-20", "2026-08-30", .rawMaterial),
            ("2026-09-10", nil, .supplier), ("2026-09-30", "2026-09-28", nil), ("2026-07-05", "2026-07-06", nil),
            ("2026-05-10", "2026-05-10", nil), ("2026-06-01", "2026-06-03", .rawMaterial), ("2026-10-20", nil, nil),
        ]
        for (i, m) in milestonesA.enumerated() { try await milestone(env, contract: a, seq: i, planned: m.0, actual: m.1, cause: m.2) }
        // B (a service contract): one Q3 milestone finished a day early.
        try await milestone(env, contract: ids.contractB, seq: 0, planned: "2026-07-15", actual: "2026-07-14", cause: nil)

        // Escalations of A. Q3: raised in 6 h and resolved in 24 h; raised after 26 h and resolved after 72 h (past its
        // 2-day deadline); raised on time, still open past its deadline. Q2: raised on time, resolved in 24 h.
        try await escalation(env, a, "ESC-1", detected: "2026-07-01T09:00:00", raised: "2026-07-01T15:00:00", resolved: "2026-07-02T15:00:00", status: .closed)
        try await escalation(env, a, "ESC-2", detected: "2026-08-01T08:00:00", raised: "2026-08-02T10:00:00", resolved: "2026-08-05T10:00:00", status: .resolved)
        try await escalation(env, a, "ESC-3", detected: "2026-09-20T08:00:00", raised: "2026-09-20T10:00:00", resolved: nil, status: .open)
        try await escalation(env, a, "ESC-4", detected: "2026-06-10T08:00:00", raised: "2026-06-10T10:00:00", resolved: "2026-06-11T10:00:00", status: .closed)

        // Payments of A. Q3: 100 000 due 08-15 with 40 000 received; 50 000 paid in full; 20 000 due 09-30, nothing received.
        // Q2: 10 000 due 06-30, nothing received.
        try await payment(env, a, due: "2026-08-15", amount: 10_000_000, received: 4_000_000)
        try await payment(env, a, due: "2026-09-01", amount: 5_000_000, received: 5_000_000)
        try await payment(env, a, due: "2026-09-30", amount: 2_000_000, received: 0)
        try await payment(env, a, due: "2026-06-30", amount: 1_000_000, received: 0)

        // Service requests (customer A, contract A) with their clock outcomes.
        let c = ids.customerA
        ids.requests["S1"] = try await request(env, c, a, "SR-1", at: "2026-07-05T10:00:00", .faultRepair, .urgent, .phone, resolved: true, reopened: 0,
                                               clocks: [("service.confirm", "met", nil), ("urgent.respond", "met", nil), ("urgent.onsite", "breached", nil)])
        ids.requests["S2"] = try await request(env, c, a, "SR-2", at: "2026-08-10T10:00:00", .faultRepair, .urgent, .phone, resolved: true, reopened: 1,
                                               clocks: [("service.confirm", "met", nil), ("urgent.respond", "met", nil), ("urgent.onsite", "met", nil),
                                                        ("service.follow_up", "breached", nil)])
        ids.requests["S3"] = try await request(env, c, a, "SR-3", at: "2026-09-30T23:30:00", .consultation, .normal, .email, resolved: true, reopened: 0,
                                               clocks: [("service.confirm", "met", nil), ("normal.respond", "met", nil), ("normal.solve", "breached", nil),
                                                        ("service.follow_up", "met", nil)])
        ids.requests["S4"] = try await request(env, c, a, "SR-4", at: "2026-09-12T10:00:00", .consultation, .normal, .portal, resolved: false, reopened: 0,
                                               clocks: [("service.confirm", "met", nil), ("normal.respond", "running", "2026-09-12T14:00:00"),
                                                        ("normal.solve", "running", "2026-10-20T10:00:00")])
        ids.requests["S5"] = try await request(env, c, a, "SR-5", at: "2026-10-01T00:10:00", .faultRepair, .urgent, .phone, resolved: false, reopened: 0,
                                               clocks: [("service.confirm", "met", nil)])
        ids.requests["S6"] = try await request(env, c, a, "SR-6", at: "2026-06-15T10:00:00", .inspection, .periodic, .onSite, resolved: true, reopened: 0,
                                               clocks: [("service.confirm", "met", nil)])

        // Objections: S1's resolved in 24 h; S2's still open past its 48 h.
        try await objection(env, ids.requests["S1"]!, raised: "2026-07-06T10:00:00", resolved: "2026-07-07T10:00:00")
        try await objection(env, ids.requests["S2"]!, raised: "2026-08-11T10:00:00", resolved: nil)

        // Ratings (speed, solving, attitude, professionalism). Q3: 5 4 5 4; 3 3 4 4; 2 5 5 3 (at 09-30 23:50). Q2: 4 4 4 4.
        try await rating(env, ids.requests["S1"]!, at: "2026-07-06T12:00:00", [5, 4, 5, 4])
        try await rating(env, ids.requests["S2"]!, at: "2026-08-12T12:00:00", [3, 3, 4, 4])
        try await rating(env, ids.requests["S3"]!, at: "2026-09-30T23:50:00", [2, 5, 5, 3])
        try await rating(env, ids.requests["S6"]!, at: "2026-06-16T12:00:00", [4, 4, 4, 4])
        return ids
    }

    static func milestone(_ env: TestEnv, contract: UUID, seq: Int, planned: String, actual: String?, cause: DelayCause?) async throws {
        let m = Milestone()
        m.id = UUID()
        m.$contract.id = contract
        m.sequence = seq
        m.name = "节点\(seq)"
        m.weight = 10
        m.plannedOn = planned
        m.actualOn = actual
        m.progress = actual == nil ? 50 : 100
        m.delayCause = cause
        m.version = 1
        try await m.create(on: env.db)
    }

    static func escalation(_ env: TestEnv, _ contract: UUID, _ number: String, detected: String, raised: String, resolved: String?,
                           status: EscalationStatus) async throws {
        let e = Escalation()
        e.id = UUID()
        e.number = number
        e.$contract.id = contract
        e.detectedAt = shanghai(detected)
        e.raisedAt = shanghai(raised)
        e.raiseDueAt = e.detectedAt.addingTimeInterval(24 * 3600)
        e.raisedOnTime = e.raisedAt <= e.raiseDueAt
        e.summary = "问题 \(number)"
        e.level = 1
        e.departmentsJSON = "[]"
        e.status = status
        e.resolveBy = e.raisedAt.addingTimeInterval(48 * 3600)
        e.deadlineSeq = 1
        e.overdueHandledSeq = 1
        e.resolvedAt = resolved.map(shanghai)
        e.closedAt = status == .closed ? e.resolvedAt : nil
        e.resolution = resolved == nil ? nil : "已处理"
        e.raisedByName = "测试"
        e.version = 1
        try await e.create(on: env.db)
    }

    static func payment(_ env: TestEnv, _ contract: UUID, due: String, amount: Int64, received: Int64) async throws {
        let p = PaymentNode()
        p.id = UUID()
        p.$contract.id = contract
        p.name = "回款 \(due)"
        p.amountDueMinor = amount
        p.dueOn = due
        p.receivedMinor = received
        p.version = 1
        try await p.create(on: env.db)
    }

    static func request(_ env: TestEnv, _ customer: UUID, _ contract: UUID?, _ number: String, at: String, _ type: RequestType, _ urgency: Urgency,
                        _ channel: ServiceChannel, resolved: Bool, reopened: Int, clocks: [(String, String, String?)]) async throws -> UUID {
        let r = ServiceRequest()
        let id = UUID()
        r.id = id
        r.number = number
        r.version = 1
        r.receivedAt = shanghai(at)
        r.createdAt = r.receivedAt
        r.updatedAt = r.receivedAt
        r.customerID = customer
        r.contractID = contract
        r.channel = channel
        r.type = type
        r.urgency = urgency
        r.remoteSolvable = false
        r.paidService = false
        r.title = "需求 \(number)"
        r.summary = "描述"
        r.status = resolved ? .closed : .responded
        r.waiting = false
        r.reopenCount = reopened
        r.resolvedAt = resolved ? r.receivedAt.addingTimeInterval(3600 * 5) : nil
        r.calendarID = "7x24"
        r.clockPolicyJSON = "{}"
        r.breached = false
        try await r.create(on: env.db)
        for (clock, state, due) in clocks {
            let o = ClockOutcome()
            o.id = UUID()
            o.requestID = id
            o.receivedAt = r.receivedAt
            o.clock = clock
            o.state = state
            o.dueAt = due.map(shanghai) ?? r.receivedAt.addingTimeInterval(3600)
            o.stoppedAt = state == "running" ? nil : r.receivedAt.addingTimeInterval(1800)
            try await o.create(on: env.db)
        }
        return id
    }

    static func objection(_ env: TestEnv, _ request: UUID, raised: String, resolved: String?) async throws {
        let o = Objection()
        o.id = UUID()
        o.requestID = request
        o.raisedAt = shanghai(raised)
        o.source = "customer"
        o.summary = "异议"
        o.status = resolved == nil ? .open : .resolved
        o.resolveDueAt = o.raisedAt.addingTimeInterval(48 * 3600)
        o.resolvedAt = resolved.map(shanghai)
        o.version = 1
        try await o.create(on: env.db)
    }

    static func rating(_ env: TestEnv, _ request: UUID, at: String, _ s: [Int]) async throws {
        let r = ServiceRating()
        r.id = UUID()
        r.requestID = request
        (r.speed, r.solving, r.attitude, r.professionalism) = (s[0], s[1], s[2], s[3])
        r.source = "staff"
        r.ratedAt = shanghai(at)
        try await r.create(on: env.db)
    }
}

extension APIResult {
    /// A figure of a report response: value, previous, change.
    func figure(_ key: String) -> (value: Double?, previous: Double?, change: Double?)? {
        guard let figures = json["figures"] as? [[String: Any]], let f = figures.first(where: { $0["key"] as? String == key }) else { return nil }
        return (f["value"] as? Double, f["previous"] as? Double, f["change"] as? Double)
    }
}
