@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// DESIGN §7, the read side at scale: the service-request list read column by column answers exactly what the model
/// query answers, page by page; the list's and the dashboard's statements go through the indexes chosen for them.
@Suite("Read paths at scale")
struct ReadPathTests {
    @Test func listPagesEqualTheModelQuery() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            var ids: [String] = []
            for i in 0..<7 {
                let r = try await env.serviceRequest(contract: plan.contract, urgency: i % 3 == 0 ? "urgent" : "normal",
                                                     type: i % 2 == 0 ? "fault_repair" : "consultation")
                ids.append(r.id)
            }
            try await env.step(ids[0], "reject", ["reason": "不在保修范围"])
            try await env.step(ids[1], "confirm")

            let ctx = ResponseContext(now: env.clock.now)
            let encoder = JSONCoding.encoder
            for (query, limit) in [("", 3), ("status=open", 2), ("urgency=normal", 2), ("status=rejected", 5),
                                   ("type=consultation&urgency=normal", 1), ("contract_id=\(plan.contract)&breached=false", 4)] {
                var filter = ServiceRequestFilter()
                for pair in query.split(separator: "&") {
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    switch kv[0] {
                    case "status": filter.status = kv[1]
                    case "urgency": filter.urgency = Urgency(rawValue: kv[1])
                    case "type": filter.type = RequestType(rawValue: kv[1])
                    case "contract_id": filter.contractID = UUID(uuidString: kv[1])
                    case "breached": filter.breached = kv[1] == "true"
                    default: Issue.record("unknown filter \(kv[0])")
                    }
                }
                var page = PageRequest(limit: limit, after: nil)
                var pages = 0
                while true {
                    let fast = try #require(try await ServiceRequestList.page(filter, page, on: env.db))
                    let models = try await page.apply(filter.apply(ServiceRequest.query(on: env.db))).all()
                    let slow = page.page(models) { $0.response(ctx) }
                    #expect(try encoder.encode(fast) == encoder.encode(slow), "\(query) page \(pages)")
                    pages += 1
                    guard let next = fast.nextCursor else { break }
                    page.after = UUID(uuidString: next)
                }
                #expect(pages >= 1)
            }
            // Text search stays with the model query.
            var search = ServiceRequestFilter()
            search.q = "宕机"
            #expect(try await ServiceRequestList.page(search, PageRequest(limit: 5, after: nil), on: env.db) == nil)

            // Through the API: urgency=normal has 4 of the 7 (i = 1, 2, 4, 5), newest last, two to a page.
            let first = try await env.api(.GET, "/service-requests?urgency=normal&limit=2")
            #expect(first.items.map { $0["id"] as? String } == [ids[1], ids[2]])
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await env.api(.GET, "/service-requests?urgency=normal&limit=2&cursor=\(cursor)")
            #expect(second.items.map { $0["id"] as? String } == [ids[4], ids[5]])
            #expect(second.json["next_cursor"] == nil || second.json["next_cursor"] is NSNull)
        }
    }

    @Test func listAndDashboardUseTheirIndexes() async throws {
        try await withTestApp { env in
            guard env.db.isSQLite else { return }
            func plan(_ sql: SQLQueryString) async throws -> String {
                try await env.db.sql.raw("EXPLAIN QUERY PLAN " + sql).all()
                    .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
            }
            var filter = ServiceRequestFilter()
            filter.status = "closed"
            filter.urgency = .normal
            let list = try await plan(ServiceRequestList.statement(filter, PageRequest(limit: 50, after: nil)))
            #expect(list.contains("USING INDEX service_requests_by_status"), "\(list)")
            #expect(!list.contains("TEMP B-TREE"), "\(list)")

            let open = try await plan("""
                SELECT m.id FROM milestones m CROSS JOIN contracts c WHERE c.id = m.contract_id AND m.actual_on IS NULL
                AND m.planned_on < '2026-03-02' ORDER BY m.planned_on, m.id LIMIT 100
                """)
            #expect(open.contains("INDEX milestones_open"), "\(open)")
            let counts = try await plan("""
                SELECT COUNT(*) FROM contracts c CROSS JOIN milestones m INDEXED BY milestones_by_contract_state
                WHERE m.contract_id = c.id AND c.status IN ('active', 'delivered', 'in_service')
                """)
            #expect(counts.contains("COVERING INDEX milestones_by_contract_state"), "\(counts)")
            let payments = try await plan("""
                SELECT p.id FROM payment_nodes p CROSS JOIN contracts c WHERE c.id = p.contract_id
                AND p.received_minor < p.amount_due_minor AND p.due_on < '2026-03-02' ORDER BY p.due_on, p.id LIMIT 100
                """)
            #expect(payments.contains("INDEX payment_nodes_open"), "\(payments)")
            let alerts = try await plan("""
                SELECT a.id FROM alerts a JOIN contracts c ON c.id = a.contract_id
                WHERE a.status <> 'resolved' ORDER BY a.fired_at DESC, a.id DESC LIMIT 20
                """)
            #expect(alerts.contains("INDEX alerts_unresolved") && !alerts.contains("TEMP B-TREE"), "\(alerts)")
        }
    }
}
