@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Monitoring: triggers, alerts, input")
struct MonitoringTriggerTests {
    func firedState(_ env: TestEnv, _ risk: String) async throws -> Bool {
        try await env.api(.GET, "/risks/\(risk)")["fired"] as? Bool ?? false
    }

    /// Each trigger kind fires when its data says so — evaluated on the change itself — and clears when it no longer does.
    @Test func everyKindFiresAndClears() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            // milestone_late (any milestone), re-evaluated by the sweeper as days pass
            let m = try await env.milestone(contract, planned: "2026-03-11")
            let late = try await env.risk(contract, ["kind": "milestone_late", "days": 1]).id
            #expect(try await firedState(env, late) == false)
            env.clock.set(shanghai("2026-03-12T09:00:00"))
            try await env.sweep()
            #expect(try await firedState(env, late) == true)
            // forecast_late: the open, late milestone pushes the forecast finish past the plan
            let forecast = try await env.risk(contract, ["kind": "forecast_late"]).id
            #expect(try await firedState(env, forecast) == true)
            // finishing the milestone on its date clears both
            #expect(try await env.api(.PATCH, "/milestones/\(m)", json: ["actual_on": "2026-03-11"]).status == .ok)
            #expect(try await firedState(env, late) == false)
            #expect(try await firedState(env, forecast) == false)

            // payment_overdue: due 03-05, not paid, 3-day threshold → fires at creation; paying clears it
            let pay = try await env.api(.POST, "/contracts/\(contract)/payments", json: ["name": "预付款", "amount_due": "100000.00", "due_on": "2026-03-05"])
            let overdue = try await env.risk(contract, ["kind": "payment_overdue", "days": 3]).id
            #expect(try await firedState(env, overdue) == true)
            #expect(try await env.api(.PATCH, "/payments/\(pay.id)", json: ["received_amount": "100000.00", "received_on": "2026-03-12"]).status == .ok)
            #expect(try await firedState(env, overdue) == false)

            // quality_failed: a failed inspection fires, a later pass clears
            let quality = try await env.risk(contract, ["kind": "quality_failed", "milestone_id": m]).id
            let failed = try await env.api(.POST, "/milestones/\(m)/quality-results", json: [
                "kind": "inspection", "result": "fail", "inspector": "赵磊", "notes": "主轴跳动超差"])
            #expect(failed.status == .created)
            #expect(try await firedState(env, quality) == true)
            let escalation = try await env.api(.POST, "/quality-results/\(failed.id)/escalate")
            #expect(escalation.status == .created)
            #expect(escalation["quality_result_id"] as? String == failed.id && escalation["raised_on_time"] as? Bool == true)
            env.clock.advance(hours: 1)
            #expect(try await env.api(.POST, "/milestones/\(m)/quality-results", json: ["result": "pass", "inspector": "赵磊"]).status == .created)
            #expect(try await firedState(env, quality) == false)

            // update_stale: the contract started 03-01 and nobody reported → stale at its 7-day cadence; an update clears it
            let stale = try await env.risk(contract, ["kind": "update_stale"]).id
            #expect(try await firedState(env, stale) == true)
            #expect(try await env.api(.POST, "/milestones/\(m)/updates", json: ["progress": 100, "note": "周报"]).status == .created)
            #expect(try await firedState(env, stale) == false)

            // sla_breach_rate: defined, never fired until service requests exist
            let sla = try await env.risk(contract, ["kind": "sla_breach_rate", "percent": 0]).id
            #expect(try await firedState(env, sla) == false)

            // manual: status triggered by a person fires; mitigating clears
            let manual = try await env.risk(contract, ["kind": "manual"]).id
            #expect(try await env.api(.PATCH, "/risks/\(manual)", json: ["status": "triggered"]).status == .ok)
            #expect(try await firedState(env, manual) == true)
            #expect(try await env.api(.PATCH, "/risks/\(manual)", json: ["status": "mitigating"]).status == .ok)
            #expect(try await firedState(env, manual) == false)

            // every firing above produced exactly one alert, each resolved again
            let riskAlerts = try await env.api(.GET, "/alerts?source=risk&limit=200").items
            #expect(riskAlerts.count == 6)
            #expect(riskAlerts.allSatisfy { $0["status"] as? String == "resolved" })
        }
    }

    @Test func registerHeatMapChecklistAndAcknowledge() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let applied = try await env.api(.POST, "/contracts/\(contract)/risks/apply-checklist")
            #expect(applied.status == .created)
            let created = (applied["created"] as? [[String: Any]])?.count ?? 0
            #expect(created == 6)
            #expect(try await env.api(.POST, "/contracts/\(contract)/risks/apply-checklist")["skipped"] as? Int == 6)
            let register = try await env.api(.GET, "/contracts/\(contract)/risks")
            let heat = register["heat_map"] as? [[String: Any]] ?? []
            #expect(heat.count == 25)
            #expect(heat.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 6)
            // the stale-update item fires at once (contract started 03-01, no report since)
            let alerts = try await env.openAlerts()
            #expect(alerts.count == 1)
            let id = alerts[0]["id"] as? String ?? ""
            let ack = try await env.api(.POST, "/alerts/\(id)/acknowledge")
            #expect(ack.status == .ok && ack.string("status") == "acknowledged")
            #expect(try await env.api(.POST, "/alerts/\(id)/acknowledge").status == .conflict)
            #expect(try await env.openAlerts().count == 1)  // acknowledged is still open until the condition clears
            let esc = try await env.api(.POST, "/alerts/\(id)/escalate", json: ["impact": "进度不可见"])
            #expect(esc.status == .created && esc.string("alert_id") == id)
            #expect(try await env.api(.GET, "/risk-checklists/construction").status == .ok)
            #expect(try await env.api(.GET, "/risk-checklists/bogus").status == .notFound)
        }
    }

    @Test func badInputIs422AndNever500() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let m = try await env.milestone(contract, planned: "2026-04-01")
            var r = try await env.api(.POST, "/contracts/\(contract)/risks", json: [
                "description": "x", "category": "supply", "likelihood": 6, "impact": 0, "trigger": ["kind": "milestone_late"]])
            #expect(r.status == .unprocessableEntity)
            #expect(Set(r.errorFields.keys).isSuperset(of: ["likelihood", "impact", "trigger.days"]))
            r = try await env.api(.POST, "/contracts/\(contract)/risks", json: ["description": "x", "category": "nope", "likelihood": 1, "impact": 1,
                                                                                "trigger": ["kind": "bogus"]])
            #expect(r.status == .unprocessableEntity && r.errorFields["trigger.kind"] != nil && r.errorFields["category"] != nil)
            r = try await env.api(.POST, "/contracts/\(contract)/risks", json: ["description": "x", "category": "supply", "likelihood": 1,
                                                                                "impact": 1, "trigger": ["kind": "payment_overdue", "days": "3"]])
            #expect(r.status == .unprocessableEntity)
            r = try await env.api(.POST, "/contracts/\(contract)/risks", raw: "{not json")
            #expect(r.status == .badRequest)
            r = try await env.api(.POST, "/escalations", json: ["contract_id": contract, "level": 4])
            #expect(r.status == .unprocessableEntity && r.errorFields["description"] != nil && r.errorFields["level"] != nil)
            r = try await env.api(.POST, "/escalations", json: ["contract_id": contract, "description": "x",
                                                                "detected_at": "2026-03-10T12:00:00+08:00", "raised_at": "2026-03-10T09:00:00+08:00"])
            #expect(r.status == .unprocessableEntity && r.errorFields["detected_at"] != nil)
            r = try await env.api(.POST, "/escalations", json: ["contract_id": "00000000-0000-7000-8000-0000000fffff", "description": "x"])
            #expect(r.status == .unprocessableEntity && r.errorFields["contract_id"] != nil)
            r = try await env.api(.POST, "/escalations", json: ["contract_id": contract, "description": "x", "detected_at": "yesterday"])
            #expect(r.status == .unprocessableEntity)
            let esc = try await env.api(.POST, "/escalations", json: ["contract_id": contract, "description": "x"])
            r = try await env.api(.POST, "/escalations/\(esc.id)/meetings", json: ["attendees": "a", "decisions": "b",
                                                                                 "held_at": "2026-03-10T09:00:00+08:00", "resolve_by": "2026-03-10T08:00:00+08:00"])
            #expect(r.status == .unprocessableEntity && r.errorFields["resolve_by"] != nil)
            r = try await env.api(.POST, "/escalations/\(esc.id)/meetings", json: ["decisions": "b"])
            #expect(r.status == .unprocessableEntity && r.errorFields["attendees"] != nil && r.errorFields["resolve_by"] != nil)
            r = try await env.api(.PATCH, "/escalations/\(esc.id)", json: ["status": "closed", "resolution": "  "])
            #expect(r.status == .unprocessableEntity)
            r = try await env.api(.PATCH, "/escalations/\(esc.id)", json: ["level": 2], ifMatch: "\"9\"")
            #expect(r.status == .preconditionFailed)
            r = try await env.api(.POST, "/milestones/\(m)/quality-results", json: ["result": "maybe", "inspector": ""])
            #expect(r.status == .unprocessableEntity && r.errorFields["result"] != nil && r.errorFields["inspector"] != nil)
            r = try await env.api(.POST, "/notification-channels", json: ["name": "x", "kind": "pager", "url": "ftp://x", "events": ["nope"]])
            #expect(r.status == .unprocessableEntity && Set(r.errorFields.keys) == ["kind", "url", "events"])
            r = try await env.api(.PUT, "/escalation-chain", json: ["levels": [["level": 5]]])
            #expect(r.status == .unprocessableEntity)
            #expect(try await env.api(.GET, "/alerts?status=sleeping").status == .unprocessableEntity)
            #expect(try await env.api(.GET, "/dashboard?category=x").status == .unprocessableEntity)
            #expect(try await env.api(.GET, "/dashboard?customer_id=nope").status == .unprocessableEntity)
            #expect(try await env.api(.GET, "/escalations/not-an-id").status == .notFound)
            #expect(try await env.api(.POST, "/notifications/\(esc.id)/read").status == .notFound)
        }
    }

    /// Two sweeps at once (on PostgreSQL: two transactions racing for the advisory lock) still give one alert and one
    /// delivery per firing; so do repeated sweeps.
    @Test func concurrentSweepsDoNotDouble() async throws {
        try await withTestApp { env in
            let outbound = CapturingOutbound()
            env.app.outbound = outbound
            #expect(try await env.api(.POST, "/notification-channels", json: ["name": "all", "kind": "wecom",
                                                                              "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"]).status == .created)
            var contracts: [String] = []
            for i in 0..<3 {
                let c = try await env.makeContract(number: "HT-2026-10\(i)", customerName: "客户\(i)")
                _ = try await env.milestone(c, planned: "2026-03-11")
                _ = try await env.risk(c, ["kind": "milestone_late", "days": 1])
                contracts.append(c)
            }
            env.clock.set(shanghai("2026-03-12T10:00:00"))
            async let a = Sweeper.runOnce(env.app)
            async let b = Sweeper.runOnce(env.app)
            let (ra, rb) = try await (a, b)
            #expect(ra.alertsFired + rb.alertsFired == 6)
            for _ in 0..<3 { try await env.sweep() }
            let alerts = try await env.allAlerts()
            #expect(alerts.count == 6)  // 3 risks + 3 late milestones
            let keys = alerts.map { "\($0["source_id"] ?? "")/\($0["firing_seq"] ?? "")" }
            #expect(Set(keys).count == 6)
            #expect(outbound.requests.count == 6)  // one delivery per firing (alert.fired ×3, milestone.late ×3)
            let bodies = outbound.bodies()
            #expect(bodies.allSatisfy { $0["msgtype"] as? String == "markdown" && ($0["markdown"] as? [String: Any])?["content"] is String })
        }
    }

    @Test func dashboardCountsAndFilters() async throws {
        try await withTestApp { env in
            let a = try await env.makeContract(number: "HT-A", customerName: "甲")
            let b = try await env.makeContract(number: "HT-B", customerName: "乙")
            _ = try await env.milestone(a, name: "生产", weight: 50, planned: "2026-03-07")
            let done = try await env.milestone(a, name: "采购", weight: 50, planned: "2026-03-05")
            #expect(try await env.api(.POST, "/milestones/\(done)/updates", json: ["progress": 100, "actual_on": "2026-03-05"]).status == .created)
            _ = try await env.milestone(b, name: "安装", weight: 100, planned: "2026-03-20")
            _ = try await env.api(.POST, "/contracts/\(b)/payments", json: ["name": "预付款", "amount_due": "10.00", "due_on": "2026-03-01"])
            let d = try await env.api(.GET, "/dashboard")
            #expect(d.status == .ok)
            let counts = d["counts"] as? [String: Any] ?? [:]
            #expect(counts["contracts"] as? Int == 2 && counts["milestones"] as? Int == 3)
            #expect(counts["milestones_delayed"] as? Int == 1 && counts["milestones_done"] as? Int == 1)
            #expect(counts["payments_overdue"] as? Int == 1)
            #expect(counts["on_time_rate"] as? Double == 100)
            #expect(counts["delay_rate"] as? Double == 50)
            let late = d["late_milestones"] as? [[String: Any]] ?? []
            #expect(late.count == 1 && late[0]["delay_days"] as? Int == 3)
            #expect((d["upcoming_milestones"] as? [[String: Any]])?.count == 1)
            let rows = d["contracts"] as? [[String: Any]] ?? []
            #expect(rows.first?["number"] as? String == "HT-A")
            #expect(rows.first?["summary_zh"] as? String == "整体进度50%，其中生产环节延迟3天")
            #expect(rows.first?["summary_en"] as? String == "Overall progress 50%; 生产 is 3 days late")
            let customer = try await env.api(.GET, "/contracts/\(b)").string("customer_id") ?? ""
            let filtered = try await env.api(.GET, "/dashboard?customer_id=\(customer)&category=manufacturing")
            #expect((filtered["counts"] as? [String: Any])?["contracts"] as? Int == 1)
            #expect((filtered["late_milestones"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    /// The dashboard shows the first rows of each list; the whole list pages through every row once, in the same
    /// order (ties on the date broken by id), and ends.
    @Test func dashboardListsPageThroughEveryRow() async throws {
        try await withTestApp { env in
            let a = try await env.makeContract(number: "HT-A", customerName: "甲")
            let b = try await env.makeContract(number: "HT-B", customerName: "乙")
            for planned in ["2026-03-01", "2026-03-01", "2026-03-01", "2026-03-02", "2026-03-03"] {
                _ = try await env.milestone(a, name: "节点\(planned)", weight: 10, planned: planned)
            }
            _ = try await env.milestone(b, name: "安装", weight: 10, planned: "2026-03-01")
            _ = try await env.milestone(b, name: "调试", weight: 10, planned: "2026-03-15")
            for (i, due) in ["2026-03-01", "2026-03-02", "2026-03-02"].enumerated() {
                #expect(try await env.api(.POST, "/contracts/\(a)/payments", json: ["name": "款\(i)", "amount_due": "10.00", "due_on": due]).status == .created)
            }
            for (contract, likelihood) in [(a, 2), (b, 5), (a, 4)] {
                _ = try await env.risk(contract, ["kind": "milestone_late", "days": 1], likelihood: likelihood)
            }
            try await env.sweep()

            let d = try await env.api(.GET, "/dashboard?limit=2")
            let counts = d["counts"] as? [String: Any] ?? [:]
            #expect(counts["milestones_delayed"] as? Int == 6 && counts["milestones_upcoming"] as? Int == 1)
            #expect(counts["payments_overdue"] as? Int == 3 && counts["risks_fired"] as? Int == 3)
            for list in ["late_milestones", "overdue_payments", "fired_risks", "contracts"] {
                #expect((d[list] as? [[String: Any]])?.count == 2, "\(list) holds the asked-for two rows")
            }
            let full = try await env.api(.GET, "/dashboard?limit=100")
            for (path, key, id, total) in [("late-milestones", "late_milestones", "milestone_id", 6), ("overdue-payments", "overdue_payments", "payment_id", 3),
                                           ("fired-risks", "fired_risks", "risk_id", 3), ("upcoming-milestones", "upcoming_milestones", "milestone_id", 1)] {
                var seen: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let page = try await env.api(.GET, "/dashboard/\(path)?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                    #expect(page.status == .ok)
                    seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0[id] as? String }
                    cursor = page["next_cursor"] as? String
                    pages += 1
                } while cursor != nil && pages < 10
                let expected = (full[key] as? [[String: Any]] ?? []).compactMap { $0[id] as? String }
                #expect(seen.count == total && seen == expected, "\(path) pages through the dashboard's list in its order")
                #expect(pages == (total + 1) / 2)
            }
            let scores = (full["fired_risks"] as? [[String: Any]] ?? []).compactMap { $0["score"] as? Int }
            #expect(scores == [15, 12, 6])
            let filtered = try await env.api(.GET, "/dashboard/late-milestones?customer_id=\(try await env.api(.GET, "/contracts/\(b)").string("customer_id") ?? "")")
            #expect((filtered["items"] as? [[String: Any]])?.count == 1)

            // Bad input is refused with the field at fault.
            for bad in ["/dashboard?limit=0", "/dashboard?limit=101", "/dashboard/late-milestones?limit=201", "/dashboard/late-milestones?cursor=nope",
                        "/dashboard/fired-risks?cursor=2026-03-01~\(UUID().uuidString)", "/dashboard/overdue-payments?cursor=9~\(UUID().uuidString)"] {
                let r = try await env.api(.GET, bad)
                #expect(r.status == .unprocessableEntity && r.errorFields.count == 1, "\(bad)")
            }

            // The web page of the whole list: every row, counted as the dashboard counts it.
            let browser = try await ListTests.browser(env)
            let page = try await browser.get(DashboardLinks.lateMilestones)
            #expect(page.html.contains("1–6 of 6") && page.html.contains("HT-B") && page.html.contains("节点2026-03-03"))
            #expect(try await browser.get(DashboardLinks.firedRisks).html.contains("1–3 of 3"))
        }
    }
}

@Suite("Monitoring: two instances")
struct MonitoringInstancesTests {
    /// Two lvyue instances (two `Application`s) on one database sweep at the same moment: each firing still yields
    /// exactly one alert and one delivery (PostgreSQL: advisory lock + unique keys + SKIP LOCKED; SQLite: the write lock).
    @Test func twoApplicationsSweepingTogether() async throws {
        try await withTestApp { env in
            let outbound = CapturingOutbound()
            env.app.outbound = outbound
            #expect(try await env.api(.POST, "/notification-channels", json: ["name": "all", "kind": "feishu",
                                                                              "url": "https://open.feishu.cn/open-apis/bot/v2/hook/x"]).status == .created)
            for i in 0..<4 {
                let c = try await env.makeContract(number: "HT-2026-20\(i)", customerName: "客户\(i)")
                _ = try await env.milestone(c, planned: "2026-03-11")
                _ = try await env.risk(c, ["kind": "milestone_late", "days": 1])
            }
            env.clock.set(shanghai("2026-03-12T10:00:00"))
            let second = try await Application.make(.testing)
            do {
                second.config = env.app.config
                second.deps = env.app.deps
                second.outbound = outbound
                second.logger.logLevel = .warning
                try await configure(second)
                async let a = Sweeper.runOnce(env.app)
                async let b = Sweeper.runOnce(second)
                let (ra, rb) = try await (a, b)
                #expect(ra.alertsFired + rb.alertsFired == 8)
                async let c = Sweeper.runOnce(env.app)
                async let d = Sweeper.runOnce(second)
                let (rc, rd) = try await (c, d)
                #expect(rc.alertsFired + rd.alertsFired == 0)
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
            try await second.asyncShutdown()
            let alerts = try await env.allAlerts()
            #expect(alerts.count == 8)
            #expect(outbound.requests.count == 8)
            let deliveries = try await Delivery.query(on: env.db).all()
            #expect(deliveries.count == 8 && deliveries.allSatisfy { $0.status == .delivered && $0.attempts == 1 })
        }
    }
}
