@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// The records every export test reads, with the values the expected cells are computed from by hand.
/// The test clock stands at 2026-03-10 10:00 in Shanghai (today = 2026-03-10).
struct ExchangeFixture {
    var contract: String
    var serviceContract: String
    var legal: UUID
    var project: UUID
    var technical: UUID

    static func make(_ env: TestEnv) async throws -> ExchangeFixture {
        let contract = try await env.makeContract(number: "HT-2026-001")
        let legal = try await SecurityFixtures.departmentID(env, "legal")
        let project = try await SecurityFixtures.departmentID(env, "project")
        let technical = try await SecurityFixtures.departmentID(env, "technical")
        let admin = try await env.me()
        let clause = try await env.api(.POST, "/contracts/\(contract)/clauses", json: ["category": "delivery", "text": "2026年9月30日前交付全部设备"])
        #expect(clause.status == .created)
        let r = try await env.api(.POST, "/contracts/\(contract)/responsibilities", json: [
            "clause_id": clause.id, "department_id": legal.uuidString, "owner_id": admin, "duty": "审核交付条款, 跟踪\"延期\"风险",
            "due_on": "2026-03-20", "collaborators": [project.uuidString, technical.uuidString], "status": "in_progress",
        ])
        #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
        let r2 = try await env.api(.POST, "/contracts/\(contract)/responsibilities", json: [
            "department_id": project.uuidString, "duty": "组织生产排期",
        ])
        #expect(r2.status == .created)
        // done 3 days late / in progress 60 % / open past its date (9 days late)
        for body: [String: Any?] in [
            ["name": "原材料采购完成", "weight": 20, "planned_on": "2026-03-05", "actual_on": "2026-03-08", "delay_cause": "raw_material",
             "delay_reason": "钢材到货晚", "next_step": "排产", "department_id": project.uuidString],
            ["name": "生产完成50%", "weight": 30, "planned_on": "2026-04-15", "progress": 60],
            ["name": "出厂检验", "weight": 50, "planned_on": "2026-03-01", "department_id": technical.uuidString],
        ] {
            let m = try await env.api(.POST, "/contracts/\(contract)/milestones", json: body)
            #expect(m.status == .created, "\(String(decoding: m.body, as: UTF8.self))")
        }
        _ = try await env.risk(contract, ["kind": "milestone_late", "days": 3])
        let e = try await env.api(.POST, "/escalations", json: [
            "contract_id": contract, "detected_at": "2026-03-09T08:00:00+08:00", "raised_at": "2026-03-09T20:30:00+08:00",
            "description": "出厂检验延期", "impact": "交付推迟", "level": 2, "departments": [project.uuidString],
        ])
        #expect(e.status == .created, "\(String(decoding: e.body, as: UTF8.self))")
        let plan = try await env.servicePlan(number: "HT-2026-S01")
        let request = try await env.serviceRequest(contract: plan.contract, receivedAt: "2026-03-10T09:00:00+08:00")
        let requestID = try #require(UUID(uuidString: (request.json["request"] as? [String: Any])?["id"] as? String ?? request.id))
        let rating = ServiceRating()
        rating.id = env.app.deps.newID()
        rating.requestID = requestID
        (rating.speed, rating.solving, rating.attitude, rating.professionalism) = (5, 4, 5, 3)
        rating.comment = "响应及时"
        rating.source = "staff"
        rating.ratedAt = shanghai("2026-03-10T09:45:00")
        try await rating.create(on: env.db)
        return ExchangeFixture(contract: contract, serviceContract: plan.contract, legal: legal, project: project, technical: technical)
    }
}

extension TestEnv {
    /// An export through the API: status, headers and bytes.
    func export(_ path: String, token: String? = nil) async throws -> APIResult {
        try await api(.GET, "/exports/" + path, token: token)
    }

    /// The first sheet of an XLSX export, as the import reader sees it (header row first).
    func exportRows(_ path: String) async throws -> [[ImportCell]] {
        let r = try await export(path)
        #expect(r.status == .ok, "\(String(decoding: r.body, as: UTF8.self))")
        return try #require(try XlsxReader.read(r.body).first).rows
    }
}

/// Excel serial of a date (1900 system) and of a Shanghai wall-clock time, written out by hand in the tests.
func serial(_ days: Int, _ hour: Int = 0, _ minute: Int = 0) -> Double {
    Double(days) + Double(hour * 60 + minute) / 1440
}

func texts(_ row: [ImportCell]) -> [String] { row.map(\.text) }

/// A number cell's value; nil for anything else.
func number(_ cell: ImportCell?) -> Double? {
    if case .number(let d, _) = cell { return d }
    return nil
}
