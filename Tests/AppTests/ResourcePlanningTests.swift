@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue #10: resource plans, load, shortfall triggers, risk reviews (API, both databases).
@Suite("Resource coordination")
struct ResourcePlanningTests {
    /// The load of one department recomputed by hand (cn-workday; Spring Festival 2026-02-15…23, make-up Saturdays 02-14, 02-28):
    ///   week 02-09: 6 working days (Sat 02-14 is a make-up day), 4 people → 24, minus one person away 02-12…02-14 (3 days) → 21
    ///              planned: line A 30 pd over 10 working days (02-09…02-27) → 3/day × 6 = 18; line C 8 pd over 02-09…02-10 → 8; total 26 > 21
    ///   week 02-16: no working day → capacity 0, planned 0
    ///   week 02-23: 5 working days (02-23 holiday, Sat 02-28 worked) → 20; line A 3 × 4 = 12; line B 10 pd over 6 days
    ///              (02-26, 27, 28, 03-02, 03, 04) → 5; total 17 (85 %)
    ///   week 03-02: 5 working days → 20; line B 5 (25 %)
    @Test func departmentLoadByHand() async throws {
        try await withTestApp { env in
            let dept = try await SecurityFixtures.departmentID(env, "technical").uuidString.lowercased()
            let contract = try await env.makeContract()
            let m1 = try await env.milestone(contract, name: "生产", planned: "2026-02-27")
            let m2 = try await env.milestone(contract, name: "安装调试", weight: 30, planned: "2026-03-04")
            let cap = try await env.api(.PUT, "/departments/\(dept)/capacity", json: ["headcount": 4])
            #expect(cap.status == .ok && cap["calendar_id"] as? String == "cn-workday" && cap.etag == "\"1\"")
            #expect(try await env.api(.PUT, "/departments/\(dept)/capacity", json: ["headcount": 4], ifMatch: "\"7\"").status == .preconditionFailed)
            let absence = try await env.api(.POST, "/absences", json: ["department_id": dept, "person": "王工", "starts_on": "2026-02-12", "ends_on": "2026-02-14"])
            #expect(absence.status == .created)
            for (m, pd, from, to) in [(m1, 30.0, "2026-02-09", "2026-02-27"), (m2, 10.0, "2026-02-26", "2026-03-04"), (m1, 8.0, "2026-02-09", "2026-02-10")] {
                let r = try await env.api(.POST, "/milestones/\(m)/resource-lines", json: [
                    "kind": "person", "department_id": dept, "role": "装配钳工", "person_days": pd, "starts_on": from, "ends_on": to])
                #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
            }
            let load = try await env.api(.GET, "/departments/\(dept)/load?from=2026-02-11&weeks=4")
            #expect(load.status == .ok)
            let weeks = load["weeks"] as? [[String: Any]] ?? []
            #expect(weeks.map { $0["week_start"] as? String } == ["2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02"])
            #expect(weeks.map { $0["working_days"] as? Int } == [6, 0, 5, 5])
            #expect(weeks.map { $0["capacity"] as? Double } == [21, 0, 20, 20])
            #expect(weeks.map { $0["planned"] as? Double } == [26, 0, 17, 5])
            #expect(weeks.map { $0["over"] as? Bool } == [true, false, false, false])
            #expect(weeks.map { $0["percent"] as? Double } == [123.81, nil, 85, 25])
            // Drill-down: the milestones behind the over-allocated week.
            let behind = (weeks.first?["milestones"] as? [[String: Any]] ?? []).map { "\($0["milestone_name"] as? String ?? "") \($0["person_days"] as? Double ?? -1)" }
            #expect(behind == ["生产 26.0"])
            let third = (weeks[2]["milestones"] as? [[String: Any]] ?? []).map { "\($0["milestone_name"] as? String ?? "") \($0["person_days"] as? Double ?? -1)" }
            #expect(third == ["生产 12.0", "安装调试 5.0"])
            // A terminated contract no longer loads the department.
            #expect(try await env.api(.PATCH, "/contracts/\(contract)", json: ["status": "terminated"]).status == .ok)
            let after = try await env.api(.GET, "/departments/\(dept)/load?from=2026-02-11&weeks=1")
            #expect((after["weeks"] as? [[String: Any]])?.first?["planned"] as? Double == 0)
            #expect(try await env.api(.GET, "/departments/\(dept)/load?weeks=99").errorFields["weeks"] != nil)
            // A year without statutory data yet: the weekly pattern (Mon–Fri) stands in, no error.
            let later = try await env.api(.GET, "/departments/\(dept)/load?from=2031-03-03&weeks=1")
            #expect(later.status == .ok && (later["weeks"] as? [[String: Any]])?.first?["working_days"] as? Int == 5)
        }
    }

    @Test func linesValidateByKind() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let m = try await env.milestone(contract, planned: "2026-04-01")
            let bad = try await env.api(.POST, "/milestones/\(m)/resource-lines", json: ["kind": "material", "item": "", "quantity": -1, "role": "x"])
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.errorFields.keys) == ["item", "quantity", "unit", "need_by", "role"])
            #expect(try await env.api(.POST, "/milestones/\(m)/resource-lines", json: ["kind": "robot"]).errorFields["kind"] != nil)
            let person = try await env.api(.POST, "/milestones/\(m)/resource-lines", json: ["kind": "person", "starts_on": "2026-03-05", "ends_on": "2026-03-01"])
            #expect(Set(person.errorFields.keys) == ["department_id", "role", "person_days", "ends_on"])
            let fund = try await env.api(.POST, "/milestones/\(m)/resource-lines", json: ["kind": "fund", "amount": "380000.00", "need_by": "2026-03-20", "source": "预付款"])
            #expect(fund.status == .created && fund["approved"] as? Bool == false && fund["currency"] as? String == "CNY")
            #expect(try await env.api(.PATCH, "/resource-lines/\(fund.id)", json: ["kind": "material"]).errorFields["kind"] != nil)
            #expect(try await env.api(.PATCH, "/resource-lines/\(fund.id)", json: ["note": "x"], ifMatch: "\"9\"").status == .preconditionFailed)
            #expect(try await env.api(.PATCH, "/resource-lines/\(fund.id)", json: ["note": "分两笔"], ifMatch: "\"1\"").status == .ok)
            #expect(try await env.api(.GET, "/milestones/\(m)/resource-lines?kind=fund").items.count == 1)
            #expect(try await env.api(.GET, "/resource-lines?pending=true").items.count == 1)
        }
    }

    @Test func onlyFinanceApprovesFunds() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let m = try await env.milestone(contract, planned: "2026-04-01")
            let fin = try await SecurityFixtures.person(env, "cw.li", role: .finance, department: "finance")
            let pm = try await SecurityFixtures.person(env, "xm.zhao", role: .project, department: "project")
            let viewer = try await SecurityFixtures.person(env, "gk.wu", role: .viewer)
            for d in ["finance", "project"] {
                let id = try await SecurityFixtures.departmentID(env, d).uuidString
                #expect(try await env.api(.POST, "/contracts/\(contract)/team", json: ["department_id": id]).status == .created)
            }
            let fund = try await env.api(.POST, "/milestones/\(m)/resource-lines",
                                         json: ["kind": "fund", "amount": "1000.00", "need_by": "2026-03-20"], token: pm.token)
            #expect(fund.status == .created)
            #expect(try await env.api(.PATCH, "/resource-lines/\(fund.id)", json: ["approved": true], token: pm.token).status == .forbidden)
            #expect(try await env.api(.PATCH, "/resource-lines/\(fund.id)", json: ["amount": "2.00"], token: fin.token).status == .forbidden)
            let ok = try await env.api(.PATCH, "/resource-lines/\(fund.id)", json: ["approved": true], token: fin.token)
            #expect(ok.status == .ok && ok["approved_by"] as? String == "cw.li")
            #expect(try await env.api(.GET, "/resource-lines/\(fund.id)", token: viewer.token).status == .ok)
            #expect(try await env.api(.POST, "/milestones/\(m)/resource-lines", json: ["kind": "fund"], token: viewer.token).status == .forbidden)
        }
    }

    /// Each new trigger kind fires one alert through the risk engine and clears it once.
    @Test func shortfallTriggersFireAndClearOnce() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let m = try await env.milestone(contract, planned: "2026-03-31")
            let dept = try await SecurityFixtures.departmentID(env, "technical").uuidString.lowercased()
            _ = try await env.risk(contract, ["kind": "material_late"], description: "伺服电机到货延迟")
            _ = try await env.risk(contract, ["kind": "funds_unapproved", "days": 7], description: "设备款未审批")
            _ = try await env.risk(contract, ["kind": "department_overload", "percent": 10], description: "技术部人力不足")
            #expect(try await env.api(.POST, "/contracts/\(contract)/risks", json: ["description": "x", "category": "resource", "likelihood": 1, "impact": 1,
                                                                                    "trigger": ["kind": "department_overload"]]).errorFields["trigger.percent"] != nil)
            #expect(try await env.openAlerts().isEmpty)

            // Today is 2026-03-10. Material needed by 03-12, expected 03-15: 3 days late.
            let mat = try await env.api(.POST, "/milestones/\(m)/resource-lines", json: [
                "kind": "material", "item": "伺服电机", "quantity": 12, "unit": "台", "supplier": "汇川", "need_by": "2026-03-12", "expected_on": "2026-03-15"])
            #expect(mat["late_days"] as? Int == 3)
            // Funds needed 03-15 (5 days ahead), not approved.
            let fund = try await env.api(.POST, "/milestones/\(m)/resource-lines", json: ["kind": "fund", "amount": "380000.00", "need_by": "2026-03-15"])
            // Technical: 1 person, week of 03-09 has 5 working days; 8 person-days that week = 160 %.
            _ = try await env.api(.PUT, "/departments/\(dept)/capacity", json: ["headcount": 1])
            _ = try await env.api(.POST, "/milestones/\(m)/resource-lines", json: [
                "kind": "person", "department_id": dept, "role": "电气工程师", "person_days": 8, "starts_on": "2026-03-09", "ends_on": "2026-03-13"])
            var open = try await env.openAlerts()
            #expect(open.map { $0["title"] as? String ?? "" }.sorted() == ["风险触发：伺服电机到货延迟", "风险触发：技术部人力不足", "风险触发：设备款未审批"])
            #expect(open.first { ($0["title"] as? String)?.contains("伺服") == true }?["reason"] as? String
                    == "物料「伺服电机」需求日期2026-03-12，预计2026-03-15到货，延迟3天")
            let status = try await env.api(.GET, "/resource-status")
            #expect(status.items.count == 1)
            #expect(status.items.first?["materials_late"] as? Int == 1 && status.items.first?["funds_unapproved"] as? Int == 1
                    && status.items.first?["over_allocated_weeks"] as? Int == 1 && status.items.first?["state"] as? String == "shortfall"
                    && status.items.first?["funds_unapproved_amount"] as? String == "380000.00")
            // Nothing new on a sweep: once.
            #expect(try await env.sweep().alertsFired == 0)

            // Clear each: the supplier moves the date forward, finance approves, the department gets two more people (seen by the sweep).
            #expect(try await env.api(.PATCH, "/resource-lines/\(mat.id)", json: ["expected_on": "2026-03-11"]).status == .ok)
            #expect(try await env.api(.PATCH, "/resource-lines/\(fund.id)", json: ["approved": true]).status == .ok)
            _ = try await env.api(.PUT, "/departments/\(dept)/capacity", json: ["headcount": 3])
            let swept = try await env.sweep()
            #expect(swept.alertsResolved == 1 && swept.alertsFired == 0)
            open = try await env.openAlerts()
            #expect(open.isEmpty)
            let all = try await env.allAlerts()
            #expect(all.count == 3 && all.allSatisfy { $0["status"] as? String == "resolved" })
            #expect(try await env.sweep().alertsResolved == 0)
            // Need-by passes without arrival: late again, a second firing.
            env.clock.advance(hours: 72)
            #expect(try await env.sweep().alertsFired == 1)
            #expect(try await env.api(.PATCH, "/resource-lines/\(mat.id)", json: ["arrived_on": "2026-03-13"]).status == .ok)
            #expect(try await env.openAlerts().isEmpty)
        }
    }

    @Test func riskReviewMeetings() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let other = try await env.makeContract(number: "HT-2026-002", customerName: "另一家")
            let risk = try await env.risk(contract, ["kind": "manual"])
            let foreign = try await env.risk(other, ["kind": "manual"])
            let tech = try await SecurityFixtures.departmentID(env, "technical").uuidString
            let bad = try await env.api(.POST, "/contracts/\(contract)/risk-reviews", json: ["attendees": "", "decisions": "", "risk_ids": [foreign.id]])
            #expect(Set(bad.errorFields.keys) == ["attendees", "decisions"])
            #expect(try await env.api(.POST, "/contracts/\(contract)/risk-reviews", json: ["attendees": "a", "decisions": "b", "risk_ids": [foreign.id]])
                .errorFields["risk_ids"] != nil)
            let r = try await env.api(.POST, "/contracts/\(contract)/risk-reviews", json: [
                "held_at": "2026-03-09T14:00:00+08:00", "departments": [tech, tech], "attendees": "项目部张三、技术部李四",
                "risk_ids": [risk.id], "risk_changes": "新增：伺服电机到货风险", "decisions": "启用备用供应商"])
            #expect(r.status == .created)
            #expect((r["departments"] as? [String])?.count == 1 && !(r["recorded_by"] as? String ?? "").isEmpty)
            let list = try await env.api(.GET, "/contracts/\(contract)/risk-reviews")
            #expect(list.items.map { $0["decisions"] as? String } == ["启用备用供应商"])
            #expect(try await env.api(.GET, "/contracts/\(other)/risk-reviews").items.isEmpty)
            let exported = try await RiskReviewQueries.list(contractID: UUID(uuidString: contract)!, on: env.db)
            #expect(exported.map(\.attendees) == ["项目部张三、技术部李四"])
            #expect(try await env.api(.PATCH, "/risk-reviews/\(r.id)", json: ["decisions": "改用空运"], ifMatch: "\"1\"")["decisions"] as? String == "改用空运")
            #expect(try await env.api(.DELETE, "/risk-reviews/\(r.id)", ifMatch: "\"1\"").status == .preconditionFailed)
            #expect(try await env.api(.DELETE, "/risk-reviews/\(r.id)", ifMatch: "\"2\"").status == .noContent)
        }
    }
}

@Suite("Resource coordination demo")
struct ResourceDemoTests {
    @Test func demoShowsShortfallsReviewAndFeeds() async throws {
        try await withTestApp { env in
            try await DemoData.loadOnce(env.app)
            let open = try await env.openAlerts().compactMap { $0["title"] as? String }
            #expect(open.contains("风险触发：主轴铸件到货晚于需求日期"))
            #expect(open.contains("风险触发：技术部同期承担多个项目，人力超负荷"))
            #expect(open.contains("风险触发：设备采购款未按时审批"))
            let tech = try await SecurityFixtures.departmentID(env, "technical").uuidString
            let load = try await env.api(.GET, "/departments/\(tech)/load?weeks=1")
            let week = try #require((load["weeks"] as? [[String: Any]])?.first)
            #expect(week["planned"] as? Double == 36 && week["over"] as? Bool == true)
            let status = try await env.api(.GET, "/resource-status")
            #expect(status.items.first?["contract_number"] as? String == "HT-2026-0012" && status.items.first?["state"] as? String == "shortfall")
            let contract = try #require(try await Contract.query(on: env.db).filter(\.$number == "HT-2026-0012").first()?.id)
            #expect(try await env.api(.GET, "/contracts/\(contract)/risk-reviews").items.count == 1)
            for secret in DemoResources.feedTokens.values {
                var body = ""
                try await env.app.testing().test(.GET, "/feeds/\(secret).ics") { res async in
                    #expect(res.status == .ok)
                    body = String(decoding: Data(res.body.readableBytesView), as: UTF8.self)
                }
                #expect(body.contains("BEGIN:VEVENT"))
            }
        }
    }
}
