@testable import App
import Fluent
import Foundation
import LvyueCore
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

    /// The per-contract totals the dashboard sums are kept by triggers: after inserts, progress and completion through
    /// the API, and a move, a re-plan and a delete by plain SQL, they equal a count of the milestones themselves; so does
    /// the backfill of a database migrated with milestones already in it.
    @Test func milestoneTotalsFollowEveryWrite() async throws {
        try await withTestApp { env in
            let a = try await env.makeContract(number: "HT-T1", customerName: "甲")
            let b = try await env.makeContract(number: "HT-T2", customerName: "乙")
            let m1 = try await env.milestone(a, name: "生产", weight: 40, planned: "2026-03-07")
            let m2 = try await env.milestone(a, name: "采购", weight: 30, planned: "2026-03-05")
            let m3 = try await env.milestone(b, name: "安装", weight: 100, planned: "2026-03-20")
            _ = try await env.milestone(a, name: "验收", weight: 30, planned: "2026-04-01")
            for (id, body) in [(m2, ["progress": 100, "actual_on": "2026-03-06"] as [String: Any]), (m1, ["progress": 40]), (m3, ["progress": 10])] {
                #expect(try await env.api(.POST, "/milestones/\(id)/updates", json: body).status == .created)
            }
            func counted() async throws -> [UUID: [Int]] {
                var out: [UUID: [Int]] = [:]
                for row in try await env.db.sql.raw("SELECT contract_id, actual_on, planned_on, progress FROM milestones").all() {
                    let actual = try row.decode(column: "actual_on", as: String?.self)
                    let planned = try row.decode(column: "planned_on", as: String.self)
                    let started = try row.decode(column: "progress", as: Int.self) > 0
                    let share = [1, actual == nil ? 0 : 1, actual.map { $0 > planned ? 1 : 0 } ?? 0, actual == nil && started ? 1 : 0]
                    let key = try row.decode(column: "contract_id", as: UUID.self)
                    out[key] = zip(out[key] ?? [0, 0, 0, 0], share).map { $0 + $1 }
                }
                return out
            }
            func kept() async throws -> [UUID: [Int]] {
                var out: [UUID: [Int]] = [:]
                for row in try await env.db.sql.raw("SELECT * FROM milestone_totals").all() {
                    let values = try AddMilestoneTotals.columns.map { try row.decode(column: $0, as: Int.self) }
                    if values[0] > 0 { out[try row.decode(column: "contract_id", as: UUID.self)] = values }
                }
                return out
            }
            #expect(try await kept() == counted())
            #expect(try await kept()[try #require(UUID(uuidString: a))] == [3, 1, 1, 1])

            try await env.db.sql.raw("UPDATE milestones SET contract_id = \(bind: UUID(uuidString: b)!) WHERE id = \(bind: UUID(uuidString: m1)!)").run()
            try await env.db.sql.raw("UPDATE milestones SET planned_on = '2026-03-01' WHERE id = \(bind: UUID(uuidString: m2)!)").run()
            try await env.db.sql.raw("DELETE FROM milestones WHERE id = \(bind: UUID(uuidString: m3)!)").run()
            #expect(try await kept() == counted())
            #expect(try await kept()[try #require(UUID(uuidString: b))] == [1, 0, 0, 1])

            try await AddMilestoneTotals().revert(on: env.db)
            try await AddMilestoneTotals().prepare(on: env.db)
            #expect(try await kept() == counted())
        }
    }

    /// The one-statement insert used on the creation path writes what Fluent reads back, leaves unset fields to their
    /// defaults, and refuses (rather than traps on) rows whose fields differ.
    @Test func modelInsertWritesWhatFluentReads() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let request = try #require(UUID(uuidString: try await env.serviceRequest(contract: plan.contract).id))
            func item(_ position: Int, mandatory: Bool, note: String? = nil) -> ChecklistItem {
                let c = ChecklistItem()
                c.id = UUID()
                c.requestID = request
                c.position = position
                c.text = "项\(position)"
                c.mandatory = mandatory
                c.done = false
                c.version = 1
                if let note { c.note = note }
                return c
            }
            try await ModelInsert.insert([item(101, mandatory: true), item(102, mandatory: false)], on: env.db)
            let read = try await ChecklistItem.query(on: env.db).filter(\.$position >= 101).sort(\.$position).all()
            #expect(read.map(\.text) == ["项101", "项102"])
            #expect(read.map(\.mandatory) == [true, false])
            #expect(read.allSatisfy { $0.requestID == request && $0.instructionID == nil && $0.doneAt == nil && $0.note == nil && $0.version == 1 })
            await #expect(throws: ModelInsert.Unsupported.self) {
                try await ModelInsert.insert([item(103, mandatory: true), item(104, mandatory: true, note: "多一列")], on: env.db)
            }
            #expect(try await ChecklistItem.query(on: env.db).filter(\.$position >= 103).count() == 0)

            // Through the write queue (on SQLite the writer's own statement text, made once per shape), twice in the
            // same shape; and the text of one shape with other columns of the same count is made for those columns.
            let (fifth, sixth) = (item(105, mandatory: true), item(106, mandatory: false))
            try await Store.write(env.app) { db in try await ModelInsert.insert([fifth], on: db) }
            try await Store.write(env.app) { db in try await ModelInsert.insert([sixth], on: db) }
            #expect(try await ChecklistItem.query(on: env.db).filter(\.$position >= 105).sort(\.$position).all().map(\.mandatory) == [true, false])
            let table = ChecklistItem.schema
            #expect(ModelInsert.sqliteText(ChecklistItem.schema, ["id", "text"], rows: 2)
                    == "INSERT INTO \"\(table)\" (\"id\", \"text\") VALUES (?, ?), (?, ?)")
            #expect(ModelInsert.sqliteText(ChecklistItem.schema, ["id", "note"], rows: 2)
                    == "INSERT INTO \"\(table)\" (\"id\", \"note\") VALUES (?, ?), (?, ?)")
        }
    }

    /// A new request written from its values (`NewServiceRequest`) is stored as Fluent stores its model, and its answer
    /// is the model's: the same request inserted both ways reads back the same in every field but its id and number.
    @Test func newRequestIsWrittenAsItsModel() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let id = try #require(UUID(uuidString: try await env.serviceRequest(contract: plan.contract).id))
            let stored = try await Writes.find(ServiceRequest.self, id, on: env.db)
            let ctx = ResponseContext(now: env.clock.now)
            var response = stored.response(ctx)
            // Every column a new request can set, the optional ones given.
            response.contactName = "刘洋"
            response.contactEmail = "liu@example.com"
            response.contactPhone = "13800000000"
            response.engineerId = UUID(uuidString: try await env.me())
            response.engineerName = "管理员"
            response.nextDueAt = env.clock.now.addingTimeInterval(3600)
            response.breached = true
            response.remoteSolvable = true
            let (instruction, survey) = (UUID(), UUID())
            func new(_ number: String) -> NewServiceRequest {
                var r = response
                r.id = UUID()
                r.number = number
                return NewServiceRequest(response: r, createdAt: env.clock.now, instructionTemplateVersionID: instruction,
                                         surveyTemplateVersionID: survey, clockPolicyJSON: stored.clockPolicyJSON,
                                         nextCheckAt: env.clock.now.addingTimeInterval(600))
            }
            let (plain, modelled) = (new("SR-T-1"), new("SR-T-2"))
            try await Store.write(env.app) { db in
                try await ModelInsert.insert(into: ServiceRequest.schema, columns: NewServiceRequest.columns, rows: [plain.values], on: db)
                try await ModelInsert.insert([modelled.model()], on: db)
            }
            let a = try await Writes.find(ServiceRequest.self, plain.response.id, on: env.db)
            let b = try await Writes.find(ServiceRequest.self, modelled.response.id, on: env.db)
            func fields(_ m: ServiceRequest) -> [String] {
                ModelInsert.fields(of: m).reflected.filter { !$0.hasPrefix("id=") && !$0.hasPrefix("number=") }
            }
            #expect(fields(a) == fields(b))
            #expect(fields(a).count == ServiceRequest.keys.count - 2)
            #expect(a.response(ctx) == plain.response && b.response(ctx) == modelled.response)
            #expect(plain.model().response(ctx) == plain.response)
        }
    }

    /// The models `ModelInsert` writes from a list of their fields list every field Fluent finds by reflection, in the
    /// same order and with the same values.
    @Test func listedFieldsAreFluentsFields() async throws {
        try await withTestApp { env in
            let plan = try await env.servicePlan()
            let id = try #require(UUID(uuidString: try await env.serviceRequest(contract: plan.contract).id))
            let request = try await Writes.find(ServiceRequest.self, id, on: env.db)
            let event = try #require(try await ServiceRequestEvent.query(on: env.db).filter(\.$requestID == id).first())
            let item = try #require(try await ChecklistItem.query(on: env.db).filter(\.$requestID == id).first())
            for (model, fields, columns) in [
                ("service request", ModelInsert.fields(of: request), ServiceRequest.keys.count),
                ("event", ModelInsert.fields(of: event), ServiceRequestEvent.keys.count),
                ("checklist item", ModelInsert.fields(of: item), ChecklistItem.keys.count),
            ] {
                #expect(fields.reflected.count == columns, "\(model)")
                #expect(fields.listed == fields.reflected, "\(model)")
            }
        }
    }

    /// Stored JSON texts decoded once are kept by their text: a changed text reads as itself, never as the one before;
    /// an unreadable one gives the fallback; the bound empties the cache rather than growing it.
    @Test func decodedTextsFollowTheirText() {
        let texts = DecodedTexts<[String]>(fallback: ["fallback"], limit: 2)
        #expect(texts.value(#"["a"]"#) == ["a"])
        #expect(texts.value(#"["a"]"#) == ["a"])
        #expect(texts.value(#"["a","b"]"#) == ["a", "b"])
        #expect(texts.value("not json") == ["fallback"])
        #expect(texts.value(#"["a"]"#) == ["a"])
        let policy = ClockPolicy.decoded.value(JSONText.encode(ClockPolicy()))
        #expect(policy == ClockPolicy())
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
            let totals = try await plan("""
                SELECT SUM(k.total) FROM contracts c CROSS JOIN milestone_totals k
                WHERE k.contract_id = c.id AND c.status IN ('active', 'delivered', 'in_service')
                """)
            #expect(totals.contains("SEARCH k USING INDEX sqlite_autoindex_milestone_totals_1"), "\(totals)")
            let late = try await plan("""
                SELECT COUNT(*) FROM milestones m INDEXED BY milestones_open CROSS JOIN contracts c
                WHERE m.actual_on IS NULL AND m.planned_on < '2026-03-02' AND c.id = m.contract_id
                """)
            #expect(late.contains("COVERING INDEX milestones_open (planned_on<?)"), "\(late)")
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
            // The status is written into the statement, not bound: SQLite prepares before it knows a bound value, and
            // could not then tell that the partial index holds every row asked for.
            let alertCount = try await plan("""
                SELECT COUNT(*) FROM alerts a JOIN contracts c ON c.id = a.contract_id WHERE a.status <> \(literal: AlertStatus.resolved.rawValue)
                """)
            #expect(alertCount.contains("INDEX alerts_unresolved"), "\(alertCount)")
            let risks = try await plan("""
                SELECT COUNT(*) FROM risks r JOIN contracts c ON c.id = r.contract_id WHERE r.fired = \(bind: true)
                """)
            #expect(risks.contains("INDEX risks_fired"), "\(risks)")
            let worst = try await plan("""
                SELECT r.id FROM risks r JOIN contracts c ON c.id = r.contract_id WHERE r.fired = \(bind: true)
                ORDER BY r.likelihood * r.impact DESC, r.id LIMIT 100
                """)
            #expect(worst.contains("INDEX risks_fired") && !worst.contains("TEMP B-TREE"), "\(worst)")
        }
    }
}
