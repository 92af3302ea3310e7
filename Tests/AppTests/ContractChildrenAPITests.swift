@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Clauses, responsibilities, milestones, payments")
struct ContractChildrenAPITests {
    @Test func clauseAndResponsibilityTable() async throws {
        try await withTestApp { env in
            // given
            let contract = try await env.makeContract()
            let departments = try await env.api(.GET, "/departments")
            let legal = try #require(departments.items.first { $0["code"] as? String == "legal" }?["id"] as? String)
            let project = try #require(departments.items.first { $0["code"] as? String == "project" }?["id"] as? String)
            // when
            let clause = try await env.api(.POST, "/contracts/\(contract)/clauses", json: [
                "reference": "第5.1条", "category": "delivery", "text": "乙方应于2026年6月30日前将设备运抵甲方指定地点", "due_on": "2026-06-30",
            ])
            #expect(clause.status == .created)
            let resp = try await env.api(.POST, "/contracts/\(contract)/responsibilities", json: [
                "clause_id": clause.id, "department_id": project, "duty": "项目组负责按计划组织生产与发运",
                "due_on": "2026-06-30", "collaborators": [legal],
            ])
            // then
            #expect(resp.status == .created)
            #expect(resp.string("status") == "pending")
            #expect((resp["collaborators"] as? [String]) == [legal])
            let list = try await env.api(.GET, "/contracts/\(contract)/responsibilities")
            #expect(list.items.count == 1)

            let bad = try await env.api(.POST, "/contracts/\(contract)/responsibilities", json: [
                "department_id": UUID().uuidString, "duty": "",
            ])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.errorFields["duty"] == "is required")
            let badCategory = try await env.api(.POST, "/contracts/\(contract)/clauses", json: ["category": "magic", "text": "x"])
            #expect(badCategory.errorFields["category"] != nil)

            let otherContract = try await env.makeContract(number: "HT-2026-002", customerName: "别的客户")
            let foreignClause = try await env.api(.POST, "/contracts/\(otherContract)/responsibilities", json: [
                "clause_id": clause.id, "department_id": project, "duty": "x",
            ])
            #expect(foreignClause.errorFields["clause_id"] == "no such clause in this contract")

            let done = try await env.api(.PATCH, "/responsibilities/\(resp.id)", json: ["status": "done"], ifMatch: "\"1\"")
            #expect(done.string("status") == "done")
            #expect(try await env.api(.PATCH, "/responsibilities/\(resp.id)", json: ["status": "pending"], ifMatch: "\"1\"").status == .preconditionFailed)
            #expect(try await env.api(.DELETE, "/clauses/\(clause.id)", ifMatch: "\"1\"").status == .noContent)
            #expect(try await env.api(.GET, "/clauses/\(clause.id)").status == .notFound)
            #expect(try await env.api(.GET, "/contracts/\(UUID().uuidString)/clauses").status == .notFound)
        }
    }

    @Test func milestoneDelayFromUpdates() async throws {
        try await withTestApp { env in
            // given: today is 2026-03-10
            let contract = try await env.makeContract()
            let m1 = try await env.api(.POST, "/contracts/\(contract)/milestones", json: [
                "name": "原材料采购完成", "weight": 20, "planned_on": "2026-03-05",
            ])
            #expect(m1.status == .created)
            #expect(m1["sequence"] as? Int == 1)
            #expect(m1.string("status") == "delayed")
            #expect(m1["delay_days"] as? Int == 5)
            let m2 = try await env.api(.POST, "/contracts/\(contract)/milestones", json: [
                "name": "生产进度50%", "weight": 30, "planned_on": "2026-04-15",
            ])
            #expect(m2["sequence"] as? Int == 2)
            #expect(m2.string("status") == "not_started")

            // when: the purchase finishes on 03-08, three days late, because raw material arrived late
            let update = try await env.api(.POST, "/milestones/\(m1.id)/updates", json: [
                "progress": 100, "actual_on": "2026-03-08", "delay_cause": "raw_material",
                "delay_reason": "原材料供应滞后", "next_step": "跟进生产排期", "note": "供应商已交货",
            ])
            // then
            #expect(update.status == .created)
            let milestone = try #require(update["milestone"] as? [String: Any])
            #expect(milestone["status"] as? String == "done")
            #expect(milestone["delay_days"] as? Int == 3)
            #expect(milestone["delay_cause"] as? String == "raw_material")
            #expect(milestone["version"] as? Int == 2)
            let history = try await env.api(.GET, "/milestones/\(m1.id)/updates")
            #expect(history.items.count == 1)
            #expect(history.items.first?["author_name"] as? String == "系统管理员")

            let progress = try await env.api(.POST, "/milestones/\(m2.id)/updates", json: ["progress": 40])
            #expect((progress["milestone"] as? [String: Any])?["status"] as? String == "in_progress")

            // invalid input: weight out of range, progress out of range, actual date without 100 %
            let badWeight = try await env.api(.POST, "/contracts/\(contract)/milestones", json: ["name": "x", "weight": 150, "planned_on": "2026-05-01"])
            #expect(badWeight.errorFields["weight"] == "must be greater than 0 and at most 100")
            let badProgress = try await env.api(.POST, "/milestones/\(m2.id)/updates", json: ["progress": 101])
            #expect(badProgress.errorFields["progress"] == "must be between 0 and 100")
            let inconsistent = try await env.api(.POST, "/milestones/\(m2.id)/updates", json: ["progress": 50, "actual_on": "2026-03-09"])
            #expect(inconsistent.errorFields["progress"] == "must be 100 when actual_on is set")
            let badCause = try await env.api(.POST, "/milestones/\(m2.id)/updates", json: ["progress": 50, "delay_cause": "aliens"])
            #expect(badCause.errorFields["delay_cause"] != nil)
            let staleUpdate = try await env.api(.POST, "/milestones/\(m2.id)/updates", json: ["progress": 60], ifMatch: "\"1\"")
            #expect(staleUpdate.status == .preconditionFailed)
        }
    }

    @Test func paymentNodes() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let p = try await env.api(.POST, "/contracts/\(contract)/payments", json: [
                "name": "预付款30%", "amount_due": "375000.00", "due_on": "2026-03-05",
            ])
            #expect(p.status == .created)
            #expect(p.string("status") == "overdue")
            #expect(p.string("received_amount") == "0.00")
            let paid = try await env.api(.PATCH, "/payments/\(p.id)", json: ["received_amount": "375000", "received_on": "2026-03-09"], ifMatch: p.etag)
            #expect(paid.string("status") == "paid")
            let bad = try await env.api(.POST, "/contracts/\(contract)/payments", json: [
                "name": "尾款", "amount_due": "-1", "due_on": "2026-13-01",
            ])
            #expect(bad.errorFields["amount_due"] == "must not be negative")
            #expect(bad.errorFields["due_on"] == "must be a date YYYY-MM-DD")
            let missingDate = try await env.api(.PATCH, "/payments/\(p.id)", json: ["received_amount": "1", "received_on": nil])
            #expect(missingDate.errorFields["received_on"] != nil)
        }
    }
}
