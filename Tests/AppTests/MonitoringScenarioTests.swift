@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Monitoring: scenario")
struct MonitoringScenarioTests {
    /// The standard, end to end: a milestone slips → its risk fires → alert and inbox → the escalation is filed 30 h
    /// after detection and marked late → a coordination meeting sets a deadline → the deadline passes → level 2 and a
    /// signed webhook delivery → resolution → closed. Repeated sweeps add nothing.
    @Test func delayedMilestoneToClosedEscalation() async throws {
        try await withTestApp { env in
            // given
            let outbound = CapturingOutbound()
            env.app.outbound = outbound
            let admin = try await env.me()
            let contract = try await env.makeContract()
            #expect(try await env.api(.PATCH, "/contracts/\(contract)", json: ["owner_id": admin]).status == .ok)
            let production = try await env.milestone(contract, planned: "2026-03-12")
            let risk = try await env.risk(contract, ["kind": "milestone_late", "days": 2, "milestone_id": production],
                                          likelihood: 4, impact: 4, owner: admin)
            #expect(risk["fired"] as? Bool == false)
            let channel = try await env.api(.POST, "/notification-channels", json: [
                "name": "项目部群", "kind": "webhook", "url": "https://hooks.example.cn/lvyue", "secret": "s3cret",
                "events": ["escalation.levelled_up", "escalation.raised"],
            ])
            #expect(channel.status == .created)
            #expect(channel["has_secret"] as? Bool == true && channel["secret"] == nil)
            #expect(try await env.api(.PUT, "/escalation-chain", json: ["levels": [["level": 2, "user_ids": [admin]]]]).status == .ok)

            // when: two days pass without the production milestone being finished
            env.clock.set(shanghai("2026-03-14T10:00:00"))
            let first = try await env.sweep()

            // then: the risk fired once, with an alert and an inbox message
            #expect(first.alertsFired == 2)  // the risk, and the late milestone itself
            let riskAlert = try #require(try await env.openAlerts().first { $0["source"] as? String == "risk" })
            #expect(riskAlert["level"] as? String == "breach")
            #expect((riskAlert["reason"] as? String)?.contains("延迟2天") == true)
            #expect(riskAlert["message_key"] as? String == "alert.risk_fired")
            #expect((riskAlert["message_params"] as? [String: String])?["reason_key"] == "trigger.milestone_late")
            let firedRisk = try await env.api(.GET, "/risks/\(risk.id)")
            #expect(firedRisk["fired"] as? Bool == true && firedRisk["status"] as? String == "triggered")
            let inbox = try await env.api(.GET, "/notifications")
            #expect((inbox["unread_count"] as? Int ?? 0) >= 2)
            #expect(inbox.items.contains { $0["event"] as? String == "alert.fired" })

            // when: the escalation is filed 30 h after detection
            env.clock.advance(hours: 30)
            let esc = try await env.api(.POST, "/escalations", json: [
                "contract_id": contract, "milestone_id": production, "risk_id": risk.id,
                "detected_at": riskAlert["fired_at"] as? String, "description": "生产环节延迟，原材料供应滞后",
                "impact": "影响整体交付", "initial_fix": "启用备用供应商",
            ])
            // then: numbered, and late by the 24 h rule
            #expect(esc.status == .created, "\(String(decoding: esc.body, as: UTF8.self))")
            #expect(esc.string("number") == "ESC-2026-0001")
            #expect(esc["raised_on_time"] as? Bool == false)
            #expect(esc["level"] as? Int == 1)

            // when: a coordination meeting gives two days
            let meeting = try await env.api(.POST, "/escalations/\(esc.id)/meetings", json: [
                "attendees": "项目部、技术部、采购", "decisions": "原材料供应问题需在2天内解决", "resolve_within_hours": 48,
            ])
            #expect(meeting.status == .created)
            let afterMeeting = try await env.api(.GET, "/escalations/\(esc.id)")
            #expect(afterMeeting.string("status") == "in_progress")
            #expect(afterMeeting.string("resolve_by") == meeting.string("resolve_by"))
            _ = try await env.sweep()
            #expect(try await env.api(.GET, "/escalations/\(esc.id)")["level"] as? Int == 1)

            // when: the deadline passes
            env.clock.advance(hours: 49)
            let overdue = try await env.sweep()

            // then: level 2, a breach alert, and a signed webhook delivery to the receiver
            #expect(overdue.escalationsOverdue == 1)
            let levelled = try await env.api(.GET, "/escalations/\(esc.id)")
            #expect(levelled["level"] as? Int == 2)
            #expect(levelled.string("resolve_state") == "breached")
            let hooks = outbound.requests.filter { ($0.headers.first { $0.0 == "X-Lvyue-Event" })?.1 == "escalation.levelled_up" }
            #expect(hooks.count == 1)
            if let hook = hooks.first {
                #expect(hook.url == "https://hooks.example.cn/lvyue")
                let signature = hook.headers.first { $0.0 == "X-Lvyue-Signature" }?.1
                #expect(signature == "sha256=" + hmacHex("s3cret", hook.body))
            }
            let deliveries = try await env.api(.GET, "/notification-channels/\(channel.id)/deliveries")
            #expect(deliveries.items.count == 2)  // raised, levelled up
            #expect(deliveries.items.allSatisfy { $0["status"] as? String == "delivered" && $0["last_status_code"] as? Int == 200 })
            let events = try await env.api(.GET, "/escalations/\(esc.id)/events").items.map { $0["kind"] as? String ?? "" }
            #expect(events == ["raised", "meeting", "overdue"])

            // when: repeated sweeps
            let countBefore = try await env.allAlerts().count
            _ = try await env.sweep()
            _ = try await env.sweep()
            // then: nothing new
            #expect(try await env.allAlerts().count == countBefore)
            #expect(outbound.requests.count == 2)

            // closing needs a resolution
            let refused = try await env.api(.PATCH, "/escalations/\(esc.id)", json: ["status": "closed"])
            #expect(refused.status == .unprocessableEntity)
            let resolved = try await env.api(.PATCH, "/escalations/\(esc.id)", json: ["status": "resolved", "resolution": "备用供应商已到货，生产恢复"])
            #expect(resolved.status == .ok)
            let closed = try await env.api(.PATCH, "/escalations/\(esc.id)", json: ["status": "closed"], ifMatch: resolved.etag)
            #expect(closed.status == .ok)
            #expect(closed.string("status") == "closed" && closed["closed_at"] as? String != nil)
            #expect(try await env.openAlerts().allSatisfy { $0["source"] as? String != "escalation" })

            // the milestone finishes: the milestone alert clears; the risk stays fired (the delay happened)
            let done = try await env.api(.POST, "/milestones/\(production)/updates", json: [
                "progress": 100, "actual_on": "2026-03-17", "delay_cause": "raw_material", "delay_reason": "原材料供应滞后"])
            #expect(done.status == .created)
            #expect(try await env.openAlerts().allSatisfy { $0["source"] as? String != "milestone" })
            let dashboard = try await env.api(.GET, "/dashboard")
            let summary = (dashboard["contracts"] as? [[String: Any]])?.first?["summary_zh"] as? String
            #expect(summary == "整体进度100%，其中生产环节延迟5天，原因为原材料供应滞后")
        }
    }
}
