@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// Improvement actions (改进措施, issue #7): CRUD with If-Match, who may do what, the overdue alert that fires once and
/// clears when done, and the next quarter's report listing last quarter's actions.
@Suite("Improvement actions")
struct ImprovementActionTests {
    struct People {
        var manager: SecurityFixtures.Person
        var projectStaff: SecurityFixtures.Person
        var financeStaff: SecurityFixtures.Person
        var viewer: SecurityFixtures.Person
        var project: UUID
    }

    func people(_ env: TestEnv) async throws -> People {
        People(manager: try await SecurityFixtures.person(env, "zhou.qm", role: .manager),
               projectStaff: try await SecurityFixtures.person(env, "li.pm", role: .project, department: "project"),
               financeStaff: try await SecurityFixtures.person(env, "wu.fin", role: .finance, department: "finance"),
               viewer: try await SecurityFixtures.person(env, "kan.kan", role: .viewer),
               project: try await SecurityFixtures.departmentID(env, "project"))
    }

    func body(_ p: People, due: String = "2026-10-31", figure: String? = "milestones.delay_rate") -> [String: Any?] {
        ["quarter": "2026Q3", "figure_key": figure, "finding": "原材料供应占延迟的50%", "cause_category": "supplier",
         "measure": "关键原材料建立第二供应商并提前两周下单", "owner_department_id": p.project.uuidString, "owner_id": p.projectStaff.id.uuidString,
         "due_on": due]
    }

    @Test("managers create; the owner department updates with If-Match; others read; verifying needs an effect review")
    func crudAndPermissions() async throws {
        try await withTestApp { env in
            // given
            env.clock.set(ReportFixture.now)
            let p = try await people(env)
            // when / then
            #expect(try await env.api(.POST, "/improvement-actions", json: body(p), token: p.viewer.token).status == .forbidden)
            #expect(try await env.api(.POST, "/improvement-actions", json: body(p), token: p.projectStaff.token).status == .forbidden)
            let bad = try await env.api(.POST, "/improvement-actions", json: ["quarter": "2026Q9", "figure_key": "nope", "cause_category": "luck",
                                                                                "owner_department_id": UUID().uuidString, "due_on": "2026-13-01"],
                                        token: p.manager.token)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(bad.errorFields.keys) == ["quarter", "figure_key", "cause_category", "finding", "measure", "due_on"])
            let missingDept = try await env.api(.POST, "/improvement-actions", json: body(p).merging(["owner_department_id": UUID().uuidString]) { $1 },
                                                token: p.manager.token)
            #expect(missingDept.status == .unprocessableEntity)
            #expect(missingDept.errorFields["owner_department_id"] == "no such record")

            let created = try await env.api(.POST, "/improvement-actions", json: body(p), token: p.manager.token)
            #expect(created.status == .created)
            #expect(created.json["status"] as? String == "planned")
            #expect(created.json["overdue"] as? Bool == false)
            #expect(created.etag == "\"1\"")
            let id = created.id
            #expect(try await env.api(.GET, "/improvement-actions/\(id)", token: p.viewer.token).status == .ok)
            #expect(try await env.api(.GET, "/improvement-actions?status=open&quarter=2026Q3", token: p.viewer.token).items.count == 1)
            #expect(try await env.api(.GET, "/improvement-actions?status=done").items.isEmpty)
            #expect(try await env.api(.GET, "/improvement-actions?overdue=maybe").status == .unprocessableEntity)

            // Another department may not change it; the owner department may, once, with the current version.
            #expect(try await env.api(.PATCH, "/improvement-actions/\(id)", json: ["status": "in_progress"], token: p.financeStaff.token).status == .forbidden)
            #expect(try await env.api(.PATCH, "/improvement-actions/\(id)", json: ["status": "in_progress"], token: p.viewer.token).status == .forbidden)
            let moved = try await env.api(.PATCH, "/improvement-actions/\(id)", json: ["status": "in_progress"], token: p.projectStaff.token, ifMatch: "\"1\"")
            #expect(moved.status == .ok)
            #expect(try await env.api(.PATCH, "/improvement-actions/\(id)", json: ["status": "done"], token: p.projectStaff.token, ifMatch: "\"1\"").status
                == .preconditionFailed)
            // Handing it to another department is the manager's call.
            let finance = try await SecurityFixtures.departmentID(env, "finance")
            #expect(try await env.api(.PATCH, "/improvement-actions/\(id)", json: ["owner_department_id": finance.uuidString],
                                      token: p.projectStaff.token).status == .forbidden)
            // Verifying without an effect review is refused; with one it is recorded, done_on set.
            let noReview = try await env.api(.PATCH, "/improvement-actions/\(id)", json: ["status": "verified_effective"], token: p.projectStaff.token)
            #expect(noReview.status == .unprocessableEntity)
            #expect(noReview.errorFields["effect_review"] != nil)
            let verified = try await env.api(.PATCH, "/improvement-actions/\(id)", json: ["status": "verified_effective",
                                                                                          "effect_review": "第四季度原材料延迟降为0"],
                                             token: p.projectStaff.token)
            #expect(verified.status == .ok)
            #expect(verified.json["done_on"] as? String == "2026-10-15")
            #expect(verified.json["version"] as? Int == 3)
            // Only managers delete.
            #expect(try await env.api(.DELETE, "/improvement-actions/\(id)", token: p.projectStaff.token).status == .forbidden)
            #expect(try await env.api(.DELETE, "/improvement-actions/\(id)", token: p.manager.token, ifMatch: "\"3\"").status == .noContent)
            let audit = try await AuditEvent.query(on: env.db).filter(\.$entityType == ImprovementAction.entityType).sort(\.$id).all()
            #expect(audit.map(\.action) == ["create", "update", "update", "delete"])
        }
    }

    @Test("an overdue action alerts its owner once; done clears the alert")
    func overdueAlert() async throws {
        try await withTestApp { env in
            // given: due 2026-10-20, today 2026-10-15
            env.clock.set(ReportFixture.now)
            let p = try await people(env)
            let id = try await env.api(.POST, "/improvement-actions", json: body(p, due: "2026-10-20"), token: p.manager.token).id
            try await env.sweep()
            #expect(try await env.api(.GET, "/alerts?source=improvement_action").items.isEmpty)
            // when: the due date passes
            env.clock.set(shanghai("2026-10-21T09:00:00"))
            try await env.sweep()
            try await env.sweep()
            // then: one alert, one inbox message for the owner
            let alerts = try await env.api(.GET, "/alerts?source=improvement_action").items
            #expect(alerts.count == 1)
            #expect(alerts.first?["status"] as? String == "open")
            #expect(alerts.first?["source_id"] as? String == id)
            #expect((alerts.first?["links"] as? [String: String])?["improvement_action"] == "/api/v1/improvement-actions/\(id)")
            let inbox = try await InboxNotification.query(on: env.db).filter(\.$userID == p.projectStaff.id).all()
            #expect(inbox.count == 1)
            #expect(inbox.first?.event == .improvementActionOverdue)
            #expect(try await env.api(.GET, "/improvement-actions?overdue=true").items.count == 1)
            // Done: the alert resolves in the same write; later sweeps fire nothing new.
            let done = try await env.api(.PATCH, "/improvement-actions/\(id)", json: ["status": "done"], token: p.projectStaff.token)
            #expect(done.json["overdue"] as? Bool == false)
            #expect(try await env.api(.GET, "/alerts?source=improvement_action&status=open").items.isEmpty)
            env.clock.set(shanghai("2026-11-01T09:00:00"))
            try await env.sweep()
            let all = try await env.api(.GET, "/alerts?source=improvement_action").items
            #expect(all.count == 1)
            #expect(all.first?["status"] as? String == "resolved")
            #expect(try await InboxNotification.query(on: env.db).filter(\.$userID == p.projectStaff.id).count() == 1)
        }
    }

    @Test("the next quarter's report lists last quarter's actions with their status and the figure then and now")
    func reportListsActions() async throws {
        try await withTestApp { env in
            _ = try await ReportFixture.load(env)
            let p = try await people(env)
            // An action raised from the 2026Q2 report on the milestone on-time rate (50.0 then).
            var json = body(p, due: "2026-09-30", figure: "milestones.on_time_rate")
            json["quarter"] = "2026Q2"
            json["status"] = "done"
            #expect(try await env.api(.POST, "/improvement-actions", json: json, token: p.manager.token).status == .created)
            // And one from 2025Q4, not listed in 2026Q3's report.
            json["quarter"] = "2025Q4"
            #expect(try await env.api(.POST, "/improvement-actions", json: json, token: p.manager.token).status == .created)
            let r = try await env.api(.GET, "/reports/quarterly?quarter=2026Q3")
            let actions = try #require(r.json["actions"] as? [[String: Any]])
            #expect(actions.count == 1)
            #expect(actions.first?["quarter"] as? String == "2026Q2")
            #expect(actions.first?["status"] as? String == "done")
            #expect(actions.first?["owner_department"] as? String == "项目部")
            #expect(actions.first?["owner_name"] as? String == "li.pm")
            #expect(actions.first?["figure_then"] as? Double == 50.0)
            #expect(actions.first?["figure_now"] as? Double == 42.9)
        }
    }
}
