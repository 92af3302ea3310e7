@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// The quarterly report (issue #7): every figure of the fixture computed by hand, quarter boundaries in Shanghai,
/// an empty quarter, filters, snapshots. Runs on SQLite and, with LVYUE_TEST_DATABASE_URL, on PostgreSQL.
@Suite("Quarterly report")
struct ReportTests {
    @Test("every figure of 2026Q3 against the hand-computed fixture, with 2026Q2 and the change")
    func figures() async throws {
        try await withTestApp { env in
            // given
            _ = try await ReportFixture.load(env)
            // when
            let r = try await env.api(.GET, "/reports/quarterly?quarter=2026Q3")
            // then
            #expect(r.status == .ok)
            #expect(r.json["quarter"] as? String == "2026Q3")
            #expect(r.json["previous_quarter"] as? String == "2026Q2")
            #expect(r.json["period_start"] as? String == "2026-07-01")
            #expect(r.json["period_end"] as? String == "2026-09-30")
            #expect(r.json["frozen"] as? Bool == false)
            func check(_ key: String, _ value: Double?, _ previous: Double?, _ change: Double?, sourceLocation: SourceLocation = #_sourceLocation) {
                guard let f = r.figure(key) else { Issue.record("no figure \(key)", sourceLocation: sourceLocation); return }
                #expect(f.value == value, "\(key) value", sourceLocation: sourceLocation)
                #expect(f.previous == previous, "\(key) previous", sourceLocation: sourceLocation)
                #expect(f.change == change, "\(key) change", sourceLocation: sourceLocation)
            }
            // Milestones due in Q3: A's six plus B's one (A's Q4 one is not due). On time: A#1, A#5, B → 3/7; late 4/7.
            check("milestones.due", 7, 2, 5)
            check("milestones.on_time_rate", 42.9, 50.0, -7.1)
            check("milestones.delay_rate", 57.1, 50.0, 7.1)
            // Delays 4 + 10 + 35 + 1 = 50 over 4 late milestones; Q2: one of 2 days.
            check("milestones.avg_delay_days", 12.5, 2.0, 10.5)
            check("milestones.max_delay_days", 35, 2, 33)
            // Escalations: 3 in Q3 (ESC-2 raised after 26 h), 2 resolved, 1 within its deadline, (24 h + 72 h) / 2.
            check("escalations.count", 3, 1, 2)
            check("escalations.raised_on_time_rate", 66.7, 100.0, -33.3)
            check("escalations.resolution_rate", 66.7, 100.0, -33.3)
            check("escalations.resolved_on_time_rate", 33.3, 100.0, -66.7)
            check("escalations.avg_resolve_hours", 48.0, 24.0, 24.0)
            check("escalations.overdue", 2, 0, 2)
            // Payments: 60 000 + 20 000 outstanding; Q2 10 000.
            check("payments.overdue_count", 2, 1, 1)
            check("payments.overdue_amount", 80000.0, 10000.0, 70000.0)
            // Service: S1–S4 in Q3 (S3 at 09-30 23:30 +08:00 is Q3, S5 at 10-01 00:10 is Q4); 3 resolved, S2 reopened.
            check("service.requests", 4, 1, 3)
            check("service.first_time_fix_rate", 66.7, 100.0, -33.3)
            check("service.reopen_rate", 33.3, 0.0, 33.3)
            // Clocks: confirm 4/4, urgent.respond 2/2, urgent.onsite 1/2, normal.respond 1/2 (S4 running past due),
            // normal.solve 0/1 (S4's still running, not yet due); all = 8/11. Q2: S6's confirm 1/1.
            check("service.clock.service.confirm", 100.0, 100.0, 0.0)
            check("service.clock.urgent.respond", 100.0, nil, nil)
            check("service.clock.urgent.onsite", 50.0, nil, nil)
            check("service.clock.urgent.remote", nil, nil, nil)
            check("service.clock.normal.respond", 50.0, nil, nil)
            check("service.clock.normal.solve", 0.0, nil, nil)
            check("service.clock_compliance", 72.7, 100.0, -27.3)
            check("service.follow_up_compliance", 50.0, nil, nil)
            check("service.objection_compliance", 50.0, nil, nil)
            // Satisfaction: speed (5+3+2)/3, solving (4+3+5)/3, attitude (5+4+5)/3, professionalism (4+4+3)/3, all 47/12.
            check("satisfaction.ratings", 3, 1, 2)
            check("satisfaction.speed", 3.33, 4.0, -0.67)
            check("satisfaction.solving", 4.0, 4.0, 0.0)
            check("satisfaction.attitude", 4.67, 4.0, 0.67)
            check("satisfaction.professionalism", 3.67, 4.0, -0.33)
            check("satisfaction.overall", 3.92, 4.0, -0.08)
            check("satisfaction.speed_satisfied_rate", 33.3, 100.0, -66.7)
            check("satisfaction.solving_satisfied_rate", 66.7, 100.0, -33.3)
            check("satisfaction.attitude_satisfied_rate", 100.0, 100.0, 0.0)
            check("satisfaction.professionalism_satisfied_rate", 66.7, 100.0, -33.3)

            // Every figure carries its definition in both languages.
            for f in r.json["figures"] as? [[String: Any]] ?? [] {
                #expect((f["definition_zh"] as? String ?? "").count > 10 && !(f["definition_zh"] as? String ?? "").hasPrefix("rpt_"), "\(f["key"] ?? "")")
                #expect((f["definition_en"] as? String ?? "").count > 10 && !(f["definition_en"] as? String ?? "").hasPrefix("rpt_"), "\(f["key"] ?? "")")
            }

            // Pareto: raw material 2 of 4 (50 %), supplier 1 (25 %, cumulative 75 %), unspecified 1 (100 %).
            let pareto = try #require(r.json["delay_causes"] as? [[String: Any]])
            #expect(pareto.map { $0["key"] as? String } == ["raw_material", "supplier", "unspecified"])
            #expect(pareto.map { $0["count"] as? Int } == [2, 1, 1])
            #expect(pareto.map { $0["share"] as? Double } == [50.0, 25.0, 25.0])
            #expect(pareto.map { $0["cumulative_share"] as? Double } == [50.0, 75.0, 100.0])
            #expect(pareto.map { $0["previous_count"] as? Int } == [1, 0, 0])

            // Breakdown by type, urgency, channel with last quarter's counts.
            let breakdown = try #require(r.json["request_breakdown"] as? [[String: Any]])
            func count(_ d: String, _ k: String) -> [Int?] {
                let row = breakdown.first { $0["dimension"] as? String == d && $0["key"] as? String == k }
                return [row?["count"] as? Int, row?["previous"] as? Int]
            }
            #expect(count("type", "fault_repair") == [2, 0])
            #expect(count("type", "consultation") == [2, 0])
            #expect(count("type", "inspection") == [0, 1])
            #expect(count("urgency", "urgent") == [2, 0])
            #expect(count("urgency", "periodic") == [0, 1])
            #expect(count("channel", "phone") == [2, 0])
            #expect(count("channel", "email") == [1, 0])
            #expect(count("channel", "portal") == [1, 0])
            #expect(count("channel", "on_site") == [0, 1])

            let distribution = try #require(r.json["satisfaction_distribution"] as? [[String: Any]])
            #expect(distribution.first { $0["dimension"] as? String == "speed" }?["counts"] as? [Int] == [0, 1, 1, 0, 1])
            #expect(distribution.first { $0["dimension"] as? String == "attitude" }?["counts"] as? [Int] == [0, 0, 0, 1, 2])

            // Recurring: on contract A, fault repairs ×2 and consultations ×2; raw-material delays ×2 (once in Q2).
            let recurring = try #require(r.json["recurring_problems"] as? [[String: Any]])
            #expect(recurring.map { "\($0["kind"]!):\($0["key"]!):\($0["count"]!):\($0["previous"]!)" }
                == ["request_type:consultation:2:0", "request_type:fault_repair:2:0", "delay_cause:raw_material:2:1"])
            #expect(recurring.first?["contract_number"] as? String == "HT-2026-A01")

            // Trend over 2025Q4…2026Q3.
            let trend = try #require(r.json["trend"] as? [[String: Any]])
            #expect(trend.map { $0["quarter"] as? String } == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"])
            #expect(trend[3]["milestone_on_time_rate"] as? Double == 42.9)
            #expect(trend[3]["clock_compliance"] as? Double == 72.7)
            #expect(trend[3]["satisfaction_overall"] as? Double == 3.92)
            #expect(trend[2]["escalation_resolution_rate"] as? Double == 100.0)
            #expect(trend[2]["service_requests"] as? Int == 1)
            #expect(trend[0]["milestone_on_time_rate"] == nil)
        }
    }

    @Test("filters: contract category, customer and department narrow every figure")
    func filters() async throws {
        try await withTestApp { env in
            let ids = try await ReportFixture.load(env)
            // B (service category) has only its on-time milestone: the manufacturing filter leaves A's 2 of 6.
            let m = try await env.api(.GET, "/reports/quarterly?quarter=2026Q3&category=manufacturing")
            #expect(m.figure("milestones.on_time_rate")?.value == 33.3)
            #expect(m.figure("milestones.delay_rate")?.value == 66.7)
            let s = try await env.api(.GET, "/reports/quarterly?quarter=2026Q3&category=service")
            #expect(s.figure("milestones.on_time_rate")?.value == 100.0)
            #expect(s.figure("escalations.count")?.value == 0)
            #expect(s.figure("escalations.resolution_rate")?.value == nil)
            #expect(s.figure("service.requests")?.value == 0)
            // The rows of a request (clocks, objections, ratings) follow its filters too.
            #expect(s.figure("service.clock_compliance")?.value == nil)
            #expect(s.figure("service.objection_compliance")?.value == nil)
            #expect(s.figure("satisfaction.ratings")?.value == 0)
            let c = try await env.api(.GET, "/reports/quarterly?quarter=2026Q3&customer_id=\(ids.customerA.uuidString)")
            #expect(c.figure("milestones.due")?.value == 6)
            #expect(c.figure("service.requests")?.value == 4)
            #expect(c.figure("service.clock_compliance")?.value == 72.7)
            #expect(c.figure("service.objection_compliance")?.value == 50.0)
            #expect(c.figure("satisfaction.ratings")?.value == 3)
            let d = try await env.api(.GET, "/reports/quarterly?quarter=2026Q3&department_id=\(ids.project.uuidString)")
            #expect(d.figure("escalations.count")?.value == 3)
            #expect(d.figure("milestones.due")?.value == 6)
            // The requests carry no department of their own.
            #expect(d.figure("service.requests")?.value == 0)
            #expect(d.figure("satisfaction.ratings")?.value == 0)
        }
    }

    @Test("quarter boundaries are Shanghai midnights: 09-30 23:30 +08:00 is Q3, 10-01 00:10 +08:00 is Q4")
    func boundaries() async throws {
        try await withTestApp { env in
            _ = try await ReportFixture.load(env)
            env.clock.set(shanghai("2026-12-31T12:00:00"))
            let q3 = try await env.api(.GET, "/reports/quarterly?quarter=2026q3")
            let q4 = try await env.api(.GET, "/reports/quarterly?quarter=2026Q4")
            #expect(q3.figure("service.requests")?.value == 4)  // SR-3 at 23:30 on 09-30 included
            #expect(q4.figure("service.requests")?.value == 1)  // SR-5 at 00:10 on 10-01
            #expect(q4.figure("service.requests")?.previous == 4)
            // SR-3's rating at 09-30 23:50 +08:00 (15:50 UTC) counts in Q3.
            #expect(q3.figure("satisfaction.ratings")?.value == 3)
            #expect(q4.figure("satisfaction.ratings")?.value == 0)
        }
    }

    @Test("an empty quarter: rates are null, counts 0, nothing crashes — JSON, web page and print")
    func empty() async throws {
        try await withTestApp { env in
            let r = try await env.api(.GET, "/reports/quarterly?quarter=2031Q1")
            #expect(r.status == .ok)
            let figures = try #require(r.json["figures"] as? [[String: Any]])
            #expect(figures.count == ReportFigureKeys.all.count)
            for f in figures {
                if f["unit"] as? String == "count" || f["unit"] as? String == "amount" {
                    #expect(f["value"] as? Double == 0, "\(f["key"]!)")
                } else {
                    #expect(f["value"] == nil, "\(f["key"]!)")
                }
            }
            #expect((r.json["delay_causes"] as? [Any])?.isEmpty == true)
            let body = String(decoding: r.body, as: UTF8.self)
            #expect(!body.contains("NaN") && !body.contains("nan"))
            let browser = try await SecurityFixtures.browser(env, "admin")
            let page = try await browser.get("/reports/quarterly?quarter=2031Q1")
            #expect(page.status == .ok)
            #expect(page.html.contains("—"))
            #expect(!page.html.contains("NaN"))
            let print = try await browser.get("/reports/quarterly/print?quarter=2031Q1")
            #expect(print.status == .ok)
        }
    }

    @Test("a bad quarter or filter is a 422 naming the field")
    func badInput() async throws {
        try await withTestApp { env in
            for (query, field) in [("", "quarter"), ("?quarter=2026Q5", "quarter"), ("?quarter=2026-3", "quarter"), ("?quarter=Q32026", "quarter"),
                                   ("?quarter=2026Q3&category=shipbuilding", "category"), ("?quarter=2026Q3&customer_id=x", "customer_id"),
                                   ("?quarter=0000Q1", "quarter")] {
                let r = try await env.api(.GET, "/reports/quarterly" + query)
                #expect(r.status == .unprocessableEntity, "\(query)")
                #expect(r.errorFields[field] != nil, "\(query): \(r.errorFields)")
            }
        }
    }

    @Test("a frozen quarter keeps what was reviewed; refreeze and unfreeze are permissioned and audited")
    func snapshots() async throws {
        try await withTestApp { env in
            let ids = try await ReportFixture.load(env)
            let viewer = try await SecurityFixtures.person(env, "kan.kan", role: .viewer)
            let manager = try await SecurityFixtures.person(env, "jing.li", role: .manager)
            // Only a closed quarter, only a manager.
            #expect(try await env.api(.POST, "/reports/quarterly/freeze", json: ["quarter": "2026Q4"], token: manager.token).status == .conflict)
            #expect(try await env.api(.POST, "/reports/quarterly/freeze", json: ["quarter": "2026Q3"], token: viewer.token).status == .forbidden)
            let frozen = try await env.api(.POST, "/reports/quarterly/freeze", json: ["quarter": "2026Q3"], token: manager.token)
            #expect(frozen.status == .created)
            #expect(frozen.json["frozen"] as? Bool == true)
            // Later edits: one more escalation in Q3.
            try await ReportFixture.escalation(env, ids.contractA, "ESC-9", detected: "2026-09-01T08:00:00", raised: "2026-09-01T09:00:00",
                                               resolved: nil, status: .open)
            let read = try await env.api(.GET, "/reports/quarterly?quarter=2026Q3", token: viewer.token)
            #expect(read.json["frozen"] as? Bool == true)
            #expect((read.json["snapshot"] as? [String: Any])?["frozen_by"] as? String == "jing.li")
            #expect(read.figure("escalations.count")?.value == 3)
            // A filtered report of the same quarter is not the frozen one.
            let filtered = try await env.api(.GET, "/reports/quarterly?quarter=2026Q3&category=manufacturing")
            #expect(filtered.json["frozen"] as? Bool == false)
            #expect(filtered.figure("escalations.count")?.value == 4)
            // Freezing again needs replace (and update permission).
            #expect(try await env.api(.POST, "/reports/quarterly/freeze", json: ["quarter": "2026Q3"], token: manager.token).status == .conflict)
            #expect(try await env.api(.POST, "/reports/quarterly/unfreeze", json: ["quarter": "2026Q3"], token: viewer.token).status == .forbidden)
            let refrozen = try await env.api(.POST, "/reports/quarterly/freeze", json: ["quarter": "2026Q3", "replace": true], token: manager.token)
            #expect(refrozen.status == .created)
            #expect(refrozen.figure("escalations.count")?.value == 4)
            #expect(try await env.api(.POST, "/reports/quarterly/unfreeze", json: ["quarter": "2026Q3"], token: manager.token).status == .noContent)
            let live = try await env.api(.GET, "/reports/quarterly?quarter=2026Q3")
            #expect(live.json["frozen"] as? Bool == false)
            #expect(try await env.api(.POST, "/reports/quarterly/unfreeze", json: ["quarter": "2026Q3"], token: manager.token).status == .notFound)
            let audit = try await AuditEvent.query(on: env.db).filter(\.$entityType == ReportSnapshots.entityType).sort(\.$id).all()
            #expect(audit.map(\.action) == ["report.freeze", "report.refreeze", "report.unfreeze"])
            #expect(audit.allSatisfy { $0.actorName == "jing.li" })
        }
    }

    @Test("service clocks reach the report through the request's own workflow: met, breached, still running")
    func clocksFromTheWorkflow() async throws {
        try await withTestApp { env in
            // given: 2026-03-10 10:00 (testStart), an urgent fault on a 7×24 plan
            let plan = try await env.servicePlan()
            let id = try await env.serviceRequest(contract: plan.contract, urgency: "urgent").id
            // when: confirmed in 20 min (met), first response after 3 h (urgent.respond breached at 2 h)
            try await env.step(id, "confirm", at: "2026-03-10T10:20:00+08:00")
            try await env.step(id, "respond", at: "2026-03-10T13:00:00+08:00")
            // then
            let outcomes = try await ClockOutcome.query(on: env.db).filter(\.$requestID == UUID(uuidString: id)!).all()
            #expect(Dictionary(uniqueKeysWithValues: outcomes.map { ($0.clock, $0.state) })
                    == ["service.confirm": "met", "urgent.respond": "breached", "urgent.onsite": "running"])
            env.clock.set(shanghai("2026-04-02T10:00:00"))
            let r = try await env.api(.GET, "/reports/quarterly?quarter=2026Q1")
            #expect(r.figure("service.clock.service.confirm")?.value == 100.0)
            #expect(r.figure("service.clock.urgent.respond")?.value == 0.0)
            // urgent.onsite ran past its 4 h without an arrival: breached at report time.
            #expect(r.figure("service.clock.urgent.onsite")?.value == 0.0)
            #expect(r.figure("service.clock_compliance")?.value == 33.3)
        }
    }
}
