@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue #6: the 模板4 lifecycle, checklist gate, rejection, reopen, plans, notice, inspections, follow-up and objections.
@Suite("Service requests")
struct ServiceLifecycleTests {
    @Test func urgentLifecycleToClosure() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let r = try await env.serviceRequest(contract: plan.contract, urgency: "urgent")
            let me = try await env.me()
            try await env.step(r.id, "confirm", at: "2026-03-10T10:30:00+08:00")
            try await env.step(r.id, "respond", at: "2026-03-10T11:00:00+08:00")
            try await env.step(r.id, "dispatch", at: "2026-03-10T11:10:00+08:00", ["engineer_id": me])
            env.clock.set(shanghai("2026-03-10T15:00:00"))
            let onsite = try await env.step(r.id, "arrive", at: "2026-03-10T14:30:00+08:00")
            #expect(onsite.state("urgent.respond") == "met")
            #expect(onsite.state("urgent.onsite") == "breached")
            #expect(onsite["onsite_by"] as? String == "系统管理员")
            // the checklist gate: mandatory items open → 422 naming them
            let refused = try await env.step(r.id, "resolve", ["solution": "更换电源模块"], expect: .unprocessableEntity)
            #expect(refused.errorCode == "checklist_incomplete")
            #expect(refused.errorFields["checklist"]?.contains("先电源") == true)
            try await env.tickAll(r.id)
            let resolved = try await env.step(r.id, "resolve", ["solution": "更换电源模块，系统恢复运行"])
            #expect(resolved["status"] as? String == "resolved")
            let signed = try await env.step(r.id, "sign_off", ["signer_name": "陈建国",
                                                                "rating": ["speed": 4, "solving": 5, "attitude": 5, "professionalism": 4, "comment": "满意"]])
            #expect(signed["signed_by"] as? String == "陈建国")
            #expect((signed["rating"] as? [String: Any])?["average"] as? Double == 4.5)
            #expect(signed.due("service.follow_up") == "2026-03-11T15:00:00+08:00")
            let closed = try await env.step(r.id, "close")
            #expect(closed["status"] as? String == "closed")
            // closing again is a conflict; the history has every step with who did it
            try await env.step(r.id, "close", expect: .conflict)
            let events = try await env.api(.GET, "/service-requests/\(r.id)/events").items.map { $0["type"] as? String ?? "" }
            #expect(events == ["received", "confirm", "respond", "dispatch", "arrive", "resolve", "sign_off", "close"])
        }
    }

    @Test func normalLifecycleRejectionAndReopen() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan(calendar: "cn-workday")
            // rejected with a reason; rejection needs one
            let junk = try await env.serviceRequest(contract: plan.contract, type: "other")
            try await env.step(junk.id, "reject", expect: .unprocessableEntity)
            let rejected = try await env.step(junk.id, "reject", ["reason": "重复提交"])
            #expect(rejected["status"] as? String == "rejected")
            #expect(rejected.state("service.confirm") == "met")
            #expect(rejected.clocks.count == 1)
            try await env.step(junk.id, "respond", expect: .conflict)

            let r = try await env.serviceRequest(contract: plan.contract, type: "consultation")
            try await env.step(r.id, "confirm", at: "2026-03-10T10:20:00+08:00")
            try await env.step(r.id, "respond", at: "2026-03-10T10:40:00+08:00")
            try await env.tickAll(r.id)
            env.clock.set(shanghai("2026-03-10T16:00:00"))
            let resolved = try await env.step(r.id, "resolve", ["solution": "已提供配置说明"])
            #expect(resolved.state("normal.solve") == "met")
            // reopened Thursday 09:30: normal.solve runs again from the reopening
            env.clock.set(shanghai("2026-03-12T09:30:00"))
            let reopened = try await env.step(r.id, "reopen", ["note": "客户反馈问题复现"])
            #expect(reopened["status"] as? String == "responded")
            #expect(reopened["reopen_count"] as? Int == 1)
            #expect(reopened.state("normal.solve") == "running")
            #expect(reopened.due("normal.solve") == "2026-03-13T09:30:00+08:00")
            // stale If-Match is refused
            let stale = try await env.api(.POST, "/service-requests/\(r.id)/events", json: ["type": "note", "note": "x"], ifMatch: "\"1\"")
            #expect(stale.status == .preconditionFailed)
        }
    }

    @Test func validationAndErrors() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let bad = try await env.api(.POST, "/service-requests", json: ["contract_id": plan.contract, "type": "magic", "description": ""])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.errorFields["type"] != nil && bad.errorFields["description"] != nil)
            let malformed = try await env.api(.POST, "/service-requests", raw: "{nope")
            #expect(malformed.status == .badRequest)
            let missing = try await env.api(.GET, "/service-requests/00000000-0000-7000-8000-00000000ffff")
            #expect(missing.status == .notFound)
            let r = try await env.serviceRequest(contract: plan.contract)
            let badType = try await env.step(r.id, "teleport", expect: .unprocessableEntity)
            #expect(badType.errorFields["type"] != nil)
            try await env.step(r.id, "arrive", expect: .conflict)
            let future = try await env.api(.POST, "/service-requests/\(r.id)/events", json: ["type": "confirm", "at": "2026-03-11T10:00:00+08:00"])
            #expect(future.status == .unprocessableEntity)
            #expect(future.errorFields["at"] != nil)
            let dup = try await env.api(.POST, "/contracts/\(plan.contract)/service-plan", json: [:])
            #expect(dup.status == .conflict)
        }
    }

    @Test func planDefaultsNoticeAndWarranty() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract(number: "HT-2026-P01")
            let created = try await env.api(.POST, "/contracts/\(contract)/service-plan", json: ["warranty_start": "2026-01-15"])
            #expect(created.status == .created)
            #expect(created.string("warranty_end") == "2027-01-14")
            #expect(created.string("calendar_id") == "7x24")
            #expect(created["inspection_months"] as? Int == 3)
            let got = try await env.api(.GET, "/contracts/\(contract)/service-plan")
            #expect(got.id == created.id)
            // a policy override changes the clocks of requests under the plan
            let patched = try await env.api(.PATCH, "/service-plans/\(created.id)", json: [
                "clock_policy": ["targets": ["urgent.respond": ["unit": "working_minutes", "value": 90]]],
            ], ifMatch: created.etag)
            #expect(patched.status == .ok, "\(String(decoding: patched.body, as: UTF8.self))")
            let r = try await env.serviceRequest(contract: contract, urgency: "urgent")
            #expect(r.due("urgent.respond") == "2026-03-10T11:30:00+08:00")
            // the printable notice
            var html = ""
            try await env.app.testing().test(.GET, "/api/v1/service-plans/\(created.id)/notice",
                                             headers: ["Authorization": "Bearer \(env.adminToken)"]) { res async in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.subType == "html")
                html = res.body.string
            }
            #expect(html.contains("后期服务启动通知"))
            #expect(html.contains("7×24小时故障响应"))
            #expect(html.contains("季度巡检"))
            let sent = try await env.api(.POST, "/service-plans/\(created.id)/notices", json: ["sent_to": "陈建国 chen@example.cn", "channel": "email"])
            #expect(sent.status == .created)
            #expect(try await env.api(.GET, "/service-plans/\(created.id)").string("notice_sent_at") == "2026-03-10T10:00:00+08:00")
            // in warranty on a date, or paid service
            let inside = try await env.api(.GET, "/warranty?contract_id=\(contract)&date=2026-12-31")
            #expect(inside["in_warranty"] as? Bool == true)
            let outside = try await env.api(.GET, "/warranty?contract_id=\(contract)&date=2027-02-01")
            #expect(outside["paid_service"] as? Bool == true)
            env.clock.set(shanghai("2027-02-01T10:00:00"))
            let paid = try await env.api(.POST, "/service-requests", json: ["contract_id": contract, "type": "consultation", "urgency": "urgent",
                                                                            "description": "保修期外咨询"])
            #expect(paid["paid_service"] as? Bool == true)
        }
    }

    @Test func inspectionsAroundHolidays() async throws {
        try await withTestApp { env in
            // quarterly from 2026-06-30: 09-30, 12-30, 2027-03-30 (no 2027 statutory data yet: its confirmation date stays open)
            let a = try await env.servicePlan(number: "HT-2026-I01", warrantyStart: "2026-06-30", extra: ["inspection_months": 3])
            let list = try await env.api(.GET, "/service-plans/\(a.plan)/inspections").items
            #expect(list.map { $0["planned_on"] as? String } == ["2026-09-30", "2026-12-30", "2027-03-30"])
            // 3 working days before 09-30 skips the Mid-Autumn break (09-25…09-27): Thursday 09-24
            #expect(list[0]["confirm_due_at"] as? String == "2026-09-24T09:00:00+08:00")
            #expect(list[1]["confirm_due_at"] as? String == "2026-12-25T09:00:00+08:00")
            #expect(list[2]["confirm_due_at"] == nil)
            // a visit falling on National Day moves to the next working day, 10-08; confirmed by 09-28
            let b = try await env.servicePlan(number: "HT-2026-I02", warrantyStart: "2026-07-01", extra: ["inspection_months": 3])
            let first = try await env.api(.GET, "/service-plans/\(b.plan)/inspections").items[0]
            #expect(first["planned_on"] as? String == "2026-10-08")
            #expect(first["confirm_due_at"] as? String == "2026-09-28T09:00:00+08:00")
            // confirming stops the clock
            let id = list[0]["id"] as! String
            let confirmed = try await env.api(.POST, "/inspections/\(id)/confirm", json: [:])
            #expect(confirmed.string("status") == "confirmed")
            // on the day the sweeper opens a request of type inspection; the result is recorded
            env.clock.set(shanghai("2026-09-30T08:00:00"))
            try await env.sweep()
            let opened = try await env.api(.GET, "/inspections/\(id)")
            #expect(opened.string("status") == "opened")
            let request = try await env.api(.GET, "/service-requests/\(opened.string("request_id") ?? "")")
            #expect(request.string("type") == "inspection")
            #expect(request.string("urgency") == "periodic")
            #expect(request.string("status") == "confirmed")
            try await env.sweep()
            #expect(try await env.api(.GET, "/service-requests?type=inspection").items.count == 1)
            let done = try await env.api(.POST, "/inspections/\(id)/result", json: ["result": "设备运行正常，更换风扇1台"])
            #expect(done.string("status") == "done")
        }
    }

    @Test func followUpAndObjectionClocks() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let r = try await env.serviceRequest(contract: plan.contract, type: "consultation")
            try await env.step(r.id, "confirm")
            try await env.step(r.id, "respond")
            try await env.tickAll(r.id)
            try await env.step(r.id, "resolve", ["solution": "远程指导完成配置"])
            let early = try await env.api(.POST, "/service-requests/\(r.id)/follow-ups", json: ["outcome": "satisfied"])
            #expect(early.status == .conflict)
            try await env.step(r.id, "sign_off", ["signer_name": "陈建国"])
            env.clock.advance(hours: 20)
            let call = try await env.api(.POST, "/service-requests/\(r.id)/follow-ups", json: [
                "outcome": "issues", "notes": "客户希望再次培训", "objection": "培训时间不足",
            ])
            #expect(call.status == .created)
            let d = try await env.api(.GET, "/service-requests/\(r.id)")
            #expect(d.state("service.follow_up") == "met")
            let objections = try await env.api(.GET, "/service-requests/\(r.id)/objections").items
            #expect(objections.count == 1)
            #expect(objections[0]["resolve_due_at"] as? String == "2026-03-13T06:00:00+08:00")
            let oid = objections[0]["id"] as! String
            // 49 h later the objection.resolve clock has breached: one alert
            env.clock.advance(hours: 49)
            try await env.sweep()
            try await env.sweep()
            let alerts = try await env.api(.GET, "/alerts?source=objection").items
            #expect(alerts.filter { $0["level"] as? String == "breach" }.count == 1)
            let resolved = try await env.api(.POST, "/objections/\(oid)/resolve", json: ["resolution": "安排补充实操培训", "feedback": "电话告知陈建国"])
            #expect(resolved.string("status") == "resolved")
            #expect(resolved.string("feedback") == "电话告知陈建国")
            let again = try await env.api(.POST, "/objections/\(oid)/resolve", json: ["resolution": "x", "feedback": "y"])
            #expect(again.status == .conflict)
        }
    }

    @Test func workInstructionsAreVersioned() async throws {
        try await withTestApp { env in
            let current = try await env.api(.GET, "/work-instructions?request_type=fault_repair&current=true").items
            #expect(current.count == 1)
            #expect((current[0]["items"] as? [[String: Any]])?.first?["text"] as? String == "与客户确认故障现象、发生时间及影响范围")
            let v2 = try await env.api(.POST, "/work-instructions", json: [
                "request_type": "fault_repair", "title": "故障报修作业指导书（2026版）",
                "items": [["text": "先电源后系统", "mandatory": true], ["text": "先软件后硬件", "mandatory": false]],
                "toolkit": [["name": "万用表", "category": "test_equipment", "quantity": 1]],
            ])
            #expect(v2.status == .created)
            #expect(v2["revision"] as? Int == 2)
            // The template library has the same revision as its version in force from today; the seeded one is retired.
            let template = try #require(try await env.api(.GET, "/templates?kind=work_instruction").items
                .first { $0["scope"] as? String == "fault_repair" }?["id"] as? String)
            let library = try await env.api(.GET, "/templates/\(template)")
            #expect((library["versions"] as? [[String: Any]])?.map { $0["state"] as? String } == ["retired", "effective"])
            #expect((library["effective_version"] as? [String: Any])?["number"] as? Int == 2)
            #expect((library["effective_version"] as? [String: Any])?["effective_on"] as? String == "2026-03-10")
            let newest = try #require((library["versions"] as? [[String: Any]])?.last?["id"] as? String)
            let rows = try await env.api(.GET, "/template-versions/\(newest)")
            #expect(rows["rows"] as? [[String]] == [["step", "先电源后系统", "yes", "", ""], ["step", "先软件后硬件", "no", "", ""],
                                                    ["tool", "万用表", "", "test_equipment", "1"]])
            let plan = try await env.servicePlan()
            let r = try await env.serviceRequest(contract: plan.contract)
            let checklist = try await env.api(.GET, "/service-requests/\(r.id)/checklist").items
            #expect(checklist.map { $0["text"] as? String } == ["先电源后系统", "先软件后硬件"])
            #expect((r["toolkit"] as? [[String: Any]])?.first?["name"] as? String == "万用表")
            #expect(try await env.api(.GET, "/work-instructions?request_type=fault_repair&current=true").items.first?["revision"] as? Int == 2)
        }
    }
}
