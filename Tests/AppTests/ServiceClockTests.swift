@testable import App
import Foundation
import Testing
import VaporTesting

/// Issue #6: the clocks of service requests with exact deadlines on 7x24 and cn-workday, holidays and make-up days.
@Suite("Service clocks")
struct ServiceClockTests {
    @Test func urgentOnSevenByTwentyFour() async throws {
        try await withTestApp { env in
            // given a 7×24 plan, an urgent fault received Tuesday 2026-03-10 10:00
            let plan = try await env.servicePlan()
            let r = try await env.serviceRequest(contract: plan.contract, urgency: "urgent")
            // then
            #expect(r.string("number")?.hasPrefix("SR-2026-") == true)
            #expect(r.due("service.confirm") == "2026-03-10T11:00:00+08:00")
            #expect(r.due("urgent.respond") == "2026-03-10T12:00:00+08:00")
            #expect(r.due("urgent.onsite") == "2026-03-10T14:00:00+08:00")
            #expect(r.clocks["urgent.remote"] == nil)
            #expect(r.clocks["normal.solve"] == nil)
            #expect(r.string("next_due_at") == "2026-03-10T11:00:00+08:00")
            #expect(r["paid_service"] as? Bool == false)
        }
    }

    @Test func urgentRemoteSolvable() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let r = try await env.serviceRequest(contract: plan.contract, urgency: "urgent", remote: true)
            #expect(r.due("urgent.remote") == "2026-03-10T10:30:00+08:00")
            #expect(r.clocks["urgent.onsite"] == nil)
            // remote support fails, an engineer is sent: the on-site clock appears, counted from receipt
            try await env.step(r.id, "confirm", at: "2026-03-10T10:10:00+08:00")
            try await env.step(r.id, "remote_start", at: "2026-03-10T10:20:00+08:00")
            let d = try await env.step(r.id, "dispatch", at: "2026-03-10T10:50:00+08:00")
            #expect(d.state("urgent.remote") == "met")
            #expect(d.state("urgent.respond") == "met")
            #expect(d.due("urgent.onsite") == "2026-03-10T14:00:00+08:00")
        }
    }

    @Test func resolvedRemotelyStopsTheOnsiteClock() async throws {
        try await withTestApp { env in
            // an urgent fault that is not remote-solvable, fixed over the phone after 1 h 30 and signed off
            let plan = try await env.servicePlan()
            let r = try await env.serviceRequest(contract: plan.contract, urgency: "urgent")
            try await env.step(r.id, "confirm", at: "2026-03-10T10:10:00+08:00")
            try await env.step(r.id, "respond", at: "2026-03-10T10:20:00+08:00")
            try await env.tickAll(r.id)
            try await env.step(r.id, "resolve", at: "2026-03-10T11:30:00+08:00", ["solution": "restarted the controller remotely"])
            let s = try await env.step(r.id, "sign_off", at: "2026-03-10T11:40:00+08:00", ["signer_name": "王工"])
            // then the on-site clock is met at the resolution, not still running towards a false breach at 14:00
            #expect(s.state("urgent.onsite") == "met")
            #expect(s.clocks["urgent.onsite"]?["stopped_at"] as? String == "2026-03-10T11:30:00+08:00")
            #expect(s.clocks["urgent.onsite"]?["elapsed_working_minutes"] as? Int == 90)
        }
    }

    @Test func sevenByTwentyFourClocksShowCalendarTimeLeft() async throws {
        try await withTestApp { env in
            // given an urgent fault on a 7×24 plan and one on a cn-workday plan, both received Tuesday 10:00
            let round = try await env.servicePlan()
            let r = try await env.serviceRequest(contract: round.contract, urgency: "urgent")
            let browser = WebBrowser(env)
            try await browser.signIn()
            // then the 7×24 on-site clock shows 4 h left as calendar time
            let page = try await browser.get("/service/requests/\(r.id)")
            #expect(page.html.contains("剩余 4小时0分（日历时间）"))
            #expect(!page.html.contains("（工作时间）"))
            let en = try await browser.get("/service/requests/\(r.id)?lang=en")
            #expect(en.html.contains("4 h 0 min left (calendar time)"))
        }
    }

    @Test func normalOnWorkdayCalendar() async throws {
        try await withTestApp { env in
            // given a plan on cn-workday, a normal request received Tuesday 10:00
            let plan = try await env.servicePlan(calendar: "cn-workday")
            let r = try await env.serviceRequest(contract: plan.contract)
            #expect(r.due("service.confirm") == "2026-03-10T11:00:00+08:00")
            // 10–12 and 13–15: four working hours
            #expect(r.due("normal.respond") == "2026-03-10T15:00:00+08:00")
            // one working day: same time next working day
            #expect(r.due("normal.solve") == "2026-03-11T10:00:00+08:00")
            let solve = r.clocks["normal.solve"]!
            #expect(solve["target_working_minutes"] as? Int == 480)
            #expect(solve["calendar_id"] as? String == "cn-workday")
        }
    }

    /// Friday evening before the Spring Festival: 2026-02-14 (Saturday) is a make-up working day, 02-15…02-23 off.
    @Test func fridayEveningBeforeSpringFestival() async throws {
        try await withTestApp { env in
            env.clock.set(shanghai("2026-02-13T19:00:00"))
            let workday = try await env.servicePlan(number: "HT-2026-W01", calendar: "cn-workday")
            let allDay = try await env.servicePlan(number: "HT-2026-A01", calendar: "7x24")
            let u = try await env.serviceRequest(contract: workday.contract, urgency: "urgent")
            #expect(u.due("service.confirm") == "2026-02-14T10:00:00+08:00")
            #expect(u.due("urgent.respond") == "2026-02-14T11:00:00+08:00")
            #expect(u.due("urgent.onsite") == "2026-02-14T14:00:00+08:00")
            let n = try await env.serviceRequest(contract: workday.contract)
            #expect(n.due("normal.respond") == "2026-02-14T14:00:00+08:00")
            // the working day after the make-up Saturday is Tuesday 02-24, after the holiday
            #expect(n.due("normal.solve") == "2026-02-24T09:00:00+08:00")
            // a 7×24 plan answers urgent faults through the night; normal requests still follow cn-workday
            let u24 = try await env.serviceRequest(contract: allDay.contract, urgency: "urgent")
            #expect(u24.due("urgent.respond") == "2026-02-13T21:00:00+08:00")
            #expect(u24.due("urgent.onsite") == "2026-02-13T23:00:00+08:00")
            let n24 = try await env.serviceRequest(contract: allDay.contract)
            #expect(n24.due("normal.respond") == "2026-02-14T14:00:00+08:00")
        }
    }

    /// Wednesday 2026-09-30 evening before National Day (10-01…10-07 off).
    @Test func eveningBeforeNationalDay() async throws {
        try await withTestApp { env in
            env.clock.set(shanghai("2026-09-30T20:00:00"))
            let plan = try await env.servicePlan(calendar: "cn-workday")
            let n = try await env.serviceRequest(contract: plan.contract)
            #expect(n.due("service.confirm") == "2026-10-08T10:00:00+08:00")
            #expect(n.due("normal.respond") == "2026-10-08T14:00:00+08:00")
            #expect(n.due("normal.solve") == "2026-10-09T09:00:00+08:00")
            #expect(n.state("normal.solve") == "running")
            #expect(n.clocks["normal.solve"]?["elapsed_working_minutes"] as? Int == 0)
        }
    }

    @Test func pauseAndResumeShiftTheResolutionClock() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan(calendar: "cn-workday")
            let r = try await env.serviceRequest(contract: plan.contract)
            try await env.step(r.id, "confirm", at: "2026-03-10T10:30:00+08:00")
            try await env.step(r.id, "respond", at: "2026-03-10T11:00:00+08:00")
            env.clock.set(shanghai("2026-03-10T14:00:00"))
            let paused = try await env.step(r.id, "pause", ["note": "等待客户提供日志"])
            #expect(paused["waiting"] as? Bool == true)
            #expect(paused.state("normal.solve") == "paused")
            // a second pause is refused
            try await env.step(r.id, "pause", expect: .conflict)
            env.clock.set(shanghai("2026-03-11T10:00:00"))
            let resumed = try await env.step(r.id, "resume")
            // 3 working hours used before the pause; 5 left from Wednesday 10:00: 10–12, 13–16
            #expect(resumed.due("normal.solve") == "2026-03-11T16:00:00+08:00")
            #expect(resumed.state("normal.respond") == "met")
            let log = (resumed.clocks["normal.solve"]?["log"] as? [[String: Any]] ?? []).map { $0["kind"] as? String ?? "" }
            #expect(log == ["started", "paused", "resumed"])
        }
    }

    @Test func sweeperWarnsAndBreachesOnceAndFeedsSlaBreachRate() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let risk = try await env.risk(plan.contract, ["kind": "sla_breach_rate", "percent": 40])
            let r = try await env.serviceRequest(contract: plan.contract, urgency: "urgent")
            try await env.step(r.id, "confirm", at: "2026-03-10T10:20:00+08:00")
            func serviceAlerts() async throws -> [[String: Any]] {
                try await env.api(.GET, "/alerts?source=service_request&limit=200").items
            }
            // 1 h 35 min in: past 75 % of the 2 h response target
            env.clock.set(shanghai("2026-03-10T11:35:00"))
            try await env.sweep()
            try await env.sweep()
            let warnings = try await serviceAlerts()
            #expect(warnings.count == 1)
            #expect(warnings.first?["condition_key"] as? String == "urgent.respond.warning")
            #expect(warnings.first?["level"] as? String == "warning")
            // past 2 h: one breach, however often the sweeper runs
            env.clock.set(shanghai("2026-03-10T12:05:00"))
            try await env.sweep()
            try await env.sweep()
            let all = try await serviceAlerts()
            #expect(all.filter { $0["condition_key"] as? String == "urgent.respond.breach" }.count == 1)
            let detail = try await env.api(.GET, "/service-requests/\(r.id)")
            #expect(detail.state("urgent.respond") == "breached")
            #expect(detail["breached"] as? Bool == true)
            let inbox = try await env.api(.GET, "/notifications").items
            _ = inbox
            // the contract's one request breached: 100 % > 40 %, the sla_breach_rate risk fires
            try await env.sweep()
            let riskNow = try await env.api(.GET, "/risks/\(risk.id)")
            #expect(riskNow["fired"] as? Bool == true, "\(riskNow.json)")
            // responding stops the clock: its alerts resolve
            try await env.step(r.id, "respond")
            let open = try await env.api(.GET, "/alerts?source=service_request&status=open").items
            #expect(open.allSatisfy { ($0["condition_key"] as? String ?? "").hasPrefix("urgent.respond") == false })
        }
    }

    /// A pass re-evaluates its rows a few to a transaction (so the users' writes take turns with it): every due
    /// request of a pass larger than one write is still evaluated once, and the next pass fires nothing again.
    @Test func sweeperPassSpansSeveralWrites() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let count = Sweeper.rowsPerWrite * 2 + 3
            var ids: Set<String> = []
            for _ in 0..<count { ids.insert(try await env.serviceRequest(contract: plan.contract, urgency: "urgent").id) }
            env.clock.set(shanghai("2026-03-11T12:00:00"))
            let first = try await env.sweep()
            let second = try await env.sweep()
            let listed = try await env.api(.GET, "/service-requests?limit=200").items
            #expect(Set(listed.filter { $0["breached"] as? Bool == true }.compactMap { $0["id"] as? String }) == ids)
            #expect(first.serviceAlertsFired >= count)
            #expect(second.serviceAlertsFired == 0)
        }
    }

    @Test func queueSortedByNearestDeadline() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan(calendar: "cn-workday")
            let normal = try await env.serviceRequest(contract: plan.contract)
            let urgent = try await env.serviceRequest(contract: plan.contract, urgency: "urgent")
            try await env.step(normal.id, "confirm")
            try await env.step(urgent.id, "confirm")
            // urgent: respond due 12:00; normal: respond due 15:00
            let q = try await env.api(.GET, "/service-requests?sort=due&status=open")
            #expect(q.items.map { $0["id"] as? String } == [urgent.id, normal.id])
            let filtered = try await env.api(.GET, "/service-requests?urgency=urgent")
            #expect(filtered.items.count == 1)
            let bad = try await env.api(.GET, "/service-requests?urgency=panic")
            #expect(bad.status == .unprocessableEntity)
        }
    }
}
