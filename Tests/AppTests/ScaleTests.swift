@testable import App
import Fluent
import Foundation
import LvyueCore
import SQLKit
import Testing
import VaporTesting

/// A data set small enough for a test: 6 contracts (60 milestones), 300 requests.
let tinyScale = ScaleSize(name: "T", contracts: 6, requests: 300, customers: 3, engineers: 2, managers: 2)

/// The generated rows that identify a data set, in a stable order, for comparing two runs.
private func fingerprint(_ db: any Database) async throws -> [String] {
    let requests = try await ServiceRequest.query(on: db).sort(\.$number).all()
    let milestones = try await Milestone.query(on: db).sort(\.$id).all()
    return requests.map { "\($0.id!) \($0.number) \($0.status.rawValue) \($0.receivedAt.timeIntervalSince1970) \($0.breached)" }
        + milestones.map { "\($0.id!) \($0.plannedOn) \($0.actualOn ?? "-") \($0.progress) \($0.delayCause?.rawValue ?? "-")" }
}

@Suite("Scale: generator and backup")
struct ScaleTests {
    static let asOf = LocalDate(iso: "2026-03-10")!

    @Test func generatesTheExactCountsWithAnIntactAuditChain() async throws {
        try await withTestApp { env in
            // given
            let before = try await AuditEvent.query(on: env.db).count()
            let generator = ScaleGenerator(size: tinyScale, seed: 3, asOf: Self.asOf, passwordHash: "x")
            // when
            let s = try await generator.run(env.app, progress: ScaleProgress(total: 0))
            // then: 6 contracts × 10 milestones and 3 payment nodes each; one audit event per contract, request and escalation
            #expect(try await Contract.query(on: env.db).count() == 6)
            #expect(try await Milestone.query(on: env.db).count() == 60)
            #expect(try await PaymentNode.query(on: env.db).count() == 18)
            #expect(try await ServiceRequest.query(on: env.db).count() == 300)
            #expect(try await Customer.query(on: env.db).count() == 3)
            #expect(s.requestEvents == (try await ServiceRequestEvent.query(on: env.db).count()))
            #expect(try await AuditEvent.query(on: env.db).count() == before + 6 + 300 + s.escalations)
            #expect(try await AuditVerifier.verify(on: env.db).problem == nil)
            // Nothing is dated after the as-of day (midnight in Shanghai).
            let end = Date(timeIntervalSince1970: Double(Self.asOf.daysSinceEpoch) * 86400 - 8 * 3600)
            #expect(try await ServiceRequest.query(on: env.db).filter(\.$receivedAt >= end).count() == 0)
            #expect(try await ServiceRequestEvent.query(on: env.db).filter(\.$at >= end).count() == 0)
            // Every request's version counts its steps, its numbers run per year without gaps.
            let requests = try await ServiceRequest.query(on: env.db).all()
            for r in requests.prefix(50) {
                let events = try await ServiceRequestEvent.query(on: env.db).filter(\.$requestID == r.id!).count()
                #expect(r.version == events)
            }
            let byYear = Dictionary(grouping: requests) { $0.number.prefix(7) }
            for (prefix, rows) in byYear {
                let numbers = rows.compactMap { Int($0.number.suffix(6)) }.sorted()
                #expect(numbers == Array(1...rows.count), "\(prefix)")
            }
        }
    }

    /// Scale S, seed 7, as of 2026-03-10: every table the generator fills, counted exactly (the figures of this seed; a
    /// change to the generator that moves them is a change of the data set and updates them here).
    @Test func scaleSFillsEveryTableWithTheExactCountsOfItsSeed() async throws {
        try await withTestApp { env in
            // given
            let users = try await User.query(on: env.db).count()
            // when
            let s = try await ScaleGenerator(size: .S, seed: 7, asOf: Self.asOf, passwordHash: "x").run(env.app, progress: ScaleProgress(total: 0))
            // then: the rows in each table, and what the command reports
            func count(_ table: String, _ whereClause: String = "") async throws -> Int {
                let row = try await env.db.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) \(unsafeRaw: whereClause)").first()
                return try row?.decode(column: "n", as: Int.self) ?? -1
            }
            let x = s.extras
            let expected: [(String, Int, Int)] = [
                ("contracts", 100, s.contracts), ("milestones", 1_000, s.milestones), ("payment_nodes", 300, s.paymentNodes),
                ("service_plans", 79, s.plans), ("service_requests", 5_000, s.requests), ("service_request_events", 36_010, s.requestEvents),
                ("service_ratings", 2_101, s.ratings), ("alerts", 316, s.alerts), ("escalations", 5, s.escalations),
                ("resource_lines", 2_586, x.resourceLines), ("department_capacities", 5, x.capacities), ("resource_absences", 60, x.absences),
                ("risks", 349, x.risks), ("risk_reviews", 155, x.riskReviews), ("escalation_meetings", 5, x.escalationMeetings),
                ("escalation_events", 18, x.escalationEvents), ("service_inspections", 538, x.inspections),
                ("service_follow_ups", 1_660, x.followUps), ("service_objections", 167, x.objections),
                ("improvement_actions", 24, x.improvementActions),
            ]
            for (table, n, reported) in expected {
                #expect(try await count(table) == n, "\(table)")
                #expect(reported == n, "\(table) as reported")
            }
            #expect(try await User.query(on: env.db).count() == users + 13 && s.users == 13 && s.customers == 20)
            #expect(s.auditEvents == 100 + 5_000 + 5)
            // The mix: people, materials and funds; late materials not yet arrived; funds awaiting approval.
            #expect(try await count("resource_lines", "WHERE kind = 'person'") == 1_503)
            #expect(try await count("resource_lines", "WHERE kind = 'material'") == 783)
            #expect(try await count("resource_lines", "WHERE kind = 'fund'") == 300)
            #expect(try await count("resource_lines", "WHERE kind = 'material' AND arrived_on IS NULL AND (need_by < '2026-03-10' OR expected_on > need_by)") == 27)
            #expect(try await count("resource_lines", "WHERE kind = 'fund' AND approved = FALSE") == 31)
            #expect(try await count("risks", "WHERE status = 'closed'") == 155)
            #expect(try await count("risks", "WHERE fired = TRUE") == 0)
            #expect(try await count("service_follow_ups", "WHERE outcome = 'issues'") == 118)
            #expect(try await count("service_inspections", "WHERE status = 'done'") == 233)
            #expect(try await count("service_inspections", "WHERE status IN ('planned', 'confirmed') AND planned_on < '2026-03-10'") == 0)
            #expect(try await AuditVerifier.verify(on: env.db).problem == nil)
            // Capacity sized from the coming weeks' load: the technical department (22 people) runs over capacity for six
            // weeks, then the load falls off as no contract is signed after as-of.
            let technical = try await SecurityFixtures.departmentID(env, "technical")
            let load = try await LoadService.departmentLoad(technical, from: Self.asOf, weeks: 8, on: env.db)
            #expect(load.headcount == 22)
            #expect(load.weeks.map(\.over) == [true, true, true, true, true, true, false, false])
            #expect(load.weeks.first?.capacity == 104 && load.weeks.first?.planned == 133.8 && load.weeks.first?.milestoneCount == 17)
        }
    }

    @Test func sameSeedSameDataAndRefusesANonEmptyDatabase() async throws {
        var first: [String] = []
        for _ in 0..<2 {
            try await withTestApp { env in
                let generator = ScaleGenerator(size: tinyScale, seed: 11, asOf: Self.asOf, passwordHash: "x")
                _ = try await generator.run(env.app, progress: ScaleProgress(total: 0))
                let print = try await fingerprint(env.db)
                if first.isEmpty { first = print } else { #expect(print == first) }
                #expect(try await ScaleGenerator.isEmpty(env.db) == false)
            }
        }
        #expect(first.count == 300 + 60)
    }

    @Test func theApplicationCarriesOnAfterTheGeneratedHistory() async throws {
        try await withTestApp { env in
            // given: generated history ending the day before the test clock's day
            let generator = ScaleGenerator(size: tinyScale, seed: 5, asOf: Self.asOf, passwordHash: "x")
            _ = try await generator.run(env.app, progress: ScaleProgress(total: 0))
            let last = try await ServiceRequest.query(on: env.db).filter(\.$number =~ "SR-2026-").count()
            let contract = try #require(try await Contract.query(on: env.db).sort(\.$number).first())
            // when: a new request through the API
            let created = try await env.api(.POST, "/service-requests",
                                            json: ["contract_id": contract.id!.uuidString, "type": "consultation", "description": "备件型号"])
            // then: its number follows the generated ones, and the chain still verifies
            #expect(created.status == .created)
            #expect(created.json["number"] as? String == String(format: "SR-2026-%06d", last + 1))
            #expect(try await AuditVerifier.verify(on: env.db).problem == nil)
            // The small demo data set is not mixed in afterwards.
            try await DemoData.loadOnce(env.app)
            #expect(try await Contract.query(on: env.db).count() == 6)
        }
    }

    @Test(.enabled(if: TestDatabase.postgresURL == nil, "backup copies the SQLite file"))
    func backupIsAConsistentCopyAndRestoreChecksIt() async throws {
        try await withTestApp { env in
            // given
            _ = try await ScaleGenerator(size: tinyScale, seed: 2, asOf: Self.asOf, passwordHash: "x").run(env.app, progress: ScaleProgress(total: 0))
            let events = try await AuditEvent.query(on: env.db).count()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lvyue-backup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = dir.appendingPathComponent("copy.sqlite").path
            // when
            try await Backup.backup(env.app, to: file)
            // then: an existing file is never overwritten
            await #expect(throws: CLIError.self) { try await Backup.backup(env.app, to: file) }
            let check = try await Backup.check(env.app, file: file)
            #expect(check.integrity == "ok")
            #expect(check.auditEvents == events)
            #expect(check.auditProblem == nil)

            // Restore into another installation's path: the old file is kept, the new one holds the copy.
            let target = dir.appendingPathComponent("live.sqlite").path
            try Data("old".utf8).write(to: URL(fileURLWithPath: target))
            var config = env.app.config
            config.sqlitePath = target
            env.app.config = config
            let (restored, kept) = try await Backup.restore(env.app, from: file, now: env.clock.now)
            #expect(restored.auditEvents == events)
            let keptPath = try #require(kept)
            #expect(try String(contentsOfFile: keptPath, encoding: .utf8) == "old")
            #expect(FileManager.default.contentsEqual(atPath: target, andPath: file))

            // A file that is not a database is refused, and nothing is replaced.
            let junk = dir.appendingPathComponent("junk.sqlite").path
            try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: junk))
            await #expect(throws: (any Error).self) { _ = try await Backup.restore(env.app, from: junk, now: env.clock.now) }
            #expect(FileManager.default.contentsEqual(atPath: target, andPath: file))
        }
    }
}
