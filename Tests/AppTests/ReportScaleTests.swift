@testable import App
import Fluent
import Foundation
import LvyueCore
import SQLKit
import Testing
import VaporTesting

/// DESIGN §7: the quarterly report at 500 000 service requests. Opt-in (`LVYUE_SCALE=1`, loading takes a while); it
/// prints the time and the query plans rather than asserting a duration (timed assertions are flaky on shared
/// machines), and asserts that every range scan goes through an index.
@Suite("Quarterly report at scale")
struct ReportScaleTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LVYUE_SCALE"] == "1"))
    func fiveHundredThousandRequests() async throws {
        try await withTestApp { env in
            env.clock.set(ReportFixture.now)
            let contract = UUID(uuidString: try await env.makeContract(number: "HT-SCALE"))!
            let customer = try #require(try await Contract.find(contract, on: env.db)).$customer.id
            let total = 500_000, batch = 500
            // Two years of requests ending in 2026Q3, each with three clock outcomes and every fourth with a rating.
            let start = shanghai("2024-10-01T00:00:00").timeIntervalSince1970, span = shanghai("2026-10-01T00:00:00").timeIntervalSince1970 - start
            let types = RequestType.allCases.map(\.rawValue), channels = ServiceChannel.allCases.map(\.rawValue)
            var i = 0
            while i < total {
                let first = i
                try await env.db.transaction { db in
                    var requests = db.sql.insert(into: ServiceRequest.schema).columns(
                        "id", "number", "version", "created_at", "updated_at", "customer_id", "contract_id", "channel", "type", "urgency",
                        "remote_solvable", "paid_service", "title", "description", "received_at", "status", "waiting", "reopen_count",
                        "calendar_id", "clock_policy", "breached", "resolved_at")
                    var outcomes = db.sql.insert(into: ClockOutcome.schema).columns("id", "request_id", "received_at", "clock", "state", "due_at", "stopped_at")
                    var ratings = db.sql.insert(into: ServiceRating.schema).columns("id", "request_id", "speed", "solving", "attitude",
                                                                                     "professionalism", "source", "rated_at")
                    for j in first..<min(total, first + batch) {
                        let id = UUID(), at = Date(timeIntervalSince1970: start + span * Double(j) / Double(total))
                        requests = requests.values(id, "S\(j)", 1, at, at, customer, contract, channels[j % channels.count], types[j % types.count],
                                                   j % 3 == 0 ? "urgent" : "normal", false, false, "t", "d", at, "closed", false, j % 17 == 0 ? 1 : 0,
                                                   "7x24", "{}", false, at.addingTimeInterval(7200))
                        for (k, clock) in ["service.confirm", j % 3 == 0 ? "urgent.respond" : "normal.respond", "service.follow_up"].enumerated() {
                            outcomes = outcomes.values(UUID(), id, at, clock, (j + k) % 9 == 0 ? "breached" : "met", at.addingTimeInterval(3600),
                                                       at.addingTimeInterval(1800))
                        }
                        if j % 4 == 0 { ratings = ratings.values(UUID(), id, 1 + j % 5, 1 + (j / 5) % 5, 4, 5, "staff", at.addingTimeInterval(86400)) }
                    }
                    try await requests.run()
                    try await outcomes.run()
                    try await ratings.run()
                }
                i += batch
            }
            if TestDatabase.postgresURL == nil { try await env.db.sql.raw("ANALYZE").run() }
            let clock = ContinuousClock()
            var report: QuarterlyReport?
            let elapsed = try await clock.measure {
                report = try await QuarterlyReportService.compute(Quarter("2026Q3")!, filters: .init(), on: env.db, now: env.clock.now)
            }
            print("quarterly report at \(total) service requests on \(TestDatabase.name): \(elapsed)")
            let q3 = Quarter("2026Q3")!
            let direct = try await ServiceRequest.query(on: env.db).filter(\.$receivedAt >= q3.start(in: JSONCoding.displayTimeZone))
                .filter(\.$receivedAt < q3.end(in: JSONCoding.displayTimeZone)).count()
            #expect(direct > 50_000)
            #expect(report?.figure("service.requests")?.value == Double(direct))
            if TestDatabase.postgresURL == nil {
                let b = Quarter("2026Q3")!.start(in: JSONCoding.displayTimeZone), e = Quarter("2026Q3")!.end(in: JSONCoding.displayTimeZone)
                for table in ["service_requests sr WHERE sr.received_at", "service_clock_outcomes o WHERE o.received_at", "service_ratings r WHERE r.rated_at"] {
                    let rows = try await env.db.sql.raw("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM \(unsafeRaw: table) >= \(bind: b) AND \(unsafeRaw: String(table.split(separator: " ").last!)) < \(bind: e)").all()
                    let plan = try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
                    print("plan: \(plan)")
                    #expect(plan.contains("USING") && plan.contains("INDEX"), "\(table): \(plan)")
                }
            }
        }
    }
}
