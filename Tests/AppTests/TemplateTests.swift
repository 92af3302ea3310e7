@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

extension TestEnv {
    /// The id of the library's template of a kind for a scope.
    func templateID(_ kind: String, _ scope: String) async throws -> String {
        let items = try await api(.GET, "/templates?kind=\(kind)").items
        return try #require(items.first { $0["scope"] as? String == scope }?["id"] as? String)
    }

    func templateVersions(_ id: String) async throws -> [[String: Any]] {
        try await api(.GET, "/templates/\(id)")["versions"] as? [[String: Any]] ?? []
    }

    /// Drafts a version and approves it for `on`; returns the version id.
    @discardableResult
    func approvedVersion(_ template: String, rows: [[String]], on day: String, token: String? = nil) async throws -> String {
        let d = try await api(.POST, "/templates/\(template)/versions", json: ["change_note": "年度修订", "rows": rows], token: token)
        #expect(d.status == .created, "\(String(decoding: d.body, as: UTF8.self))")
        let a = try await api(.POST, "/template-versions/\(d.id)/approve", json: ["effective_on": day], token: token)
        #expect(a.status == .ok, "\(String(decoding: a.body, as: UTF8.self))")
        return d.id
    }
}

/// Issue #7: the template library — effective versions, the approval state machine, diffs, applying templates to a
/// contract, the versions recorded on contracts, plans and requests, and who may do what.
@Suite("Template library", .serialized)
struct TemplateTests {
    static let manufacturingPlan: [[String]] = [
        ["原材料采购完成", "20", "20", "working_days", "project"],
        ["生产完成50%", "20", "40", "working_days", "project"],
        ["出厂检验通过", "20", "50", "working_days", "technical"],
        ["发货到场", "15", "60", "working_days", "project"],
        ["现场验收通过", "25", "70", "working_days", "project"],
    ]
    /// Version 1 as read back: the people columns (people_department, person_days) empty.
    static let manufacturingPlanRead = manufacturingPlan.map { $0 + ["", ""] }

    @Test func seededLibraryIsVersionOneInForceFromTheStart() async throws {
        try await withTestApp { env in
            let all = try await env.api(.GET, "/templates").items
            // 4 contract categories × 3 kinds + 6 request types + survey + SLA
            #expect(all.count == 20)
            #expect(all.allSatisfy { ($0["effective_version"] as? [String: Any])?["number"] as? Int == 1 })
            let plan = try await env.templateID("milestone_plan", "manufacturing")
            let v1 = try #require(try await env.templateVersions(plan).first)
            #expect(v1["state"] as? String == "effective" && v1["effective_on"] == nil)
            let version = try await env.api(.GET, "/template-versions/\(v1["id"] as! String)")
            #expect(version["rows"] as? [[String]] == Self.manufacturingPlanRead)
            #expect(version["columns"] as? [String] == ["name", "weight", "offset", "offset_unit", "department", "people_department", "person_days"])
            // the risk checklist served to contracts is the library's
            let checklist = try await env.api(.GET, "/risk-checklists/manufacturing")
            #expect((checklist["items"] as? [[String: Any]])?.count == 6)
        }
    }

    @Test func approvalActivationAndRetirementOnTheEdgeDates() async throws {
        try await withTestApp { env in
            let plan = try await env.templateID("milestone_plan", "manufacturing")
            var rows = Self.manufacturingPlan
            rows[0][2] = "15"
            // given a draft
            let draft = try await env.api(.POST, "/templates/\(plan)/versions", json: ["change_note": "缩短采购周期", "rows": rows])
            #expect(draft.status == .created)
            #expect(draft["number"] as? Int == 2 && draft.string("state") == "draft" && draft.etag == "\"1\"")
            // bad cells are named one by one; a stale If-Match changes nothing
            let bad = try await env.api(.PATCH, "/template-versions/\(draft.id)", json: ["rows": [["采购", "abc", "10", "weeks", "nobody"]]])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.errorFields.keys.sorted() == ["rows.0.department", "rows.0.offset_unit", "rows.0.weight"])
            let patched = try await env.api(.PATCH, "/template-versions/\(draft.id)", json: ["change_note": "缩短采购周期至15个工作日"], ifMatch: "\"1\"")
            #expect(patched.status == .ok && patched.etag == "\"2\"")
            #expect(try await env.api(.PATCH, "/template-versions/\(draft.id)", json: ["change_note": "x"], ifMatch: "\"1\"").status == .preconditionFailed)
            // approval needs a date, today or later
            let past = try await env.api(.POST, "/template-versions/\(draft.id)/approve", json: ["effective_on": "2026-03-09"])
            #expect(past.status == .unprocessableEntity && past.errorFields["effective_on"] != nil)
            let noDate = try await env.api(.POST, "/template-versions/\(draft.id)/approve", json: [:])
            #expect(noDate.status == .unprocessableEntity && noDate.errorFields["effective_on"] != nil)
            // when: approved for 2026-04-01
            let approved = try await env.api(.POST, "/template-versions/\(draft.id)/approve", json: ["effective_on": "2026-04-01"])
            #expect(approved.status == .ok && approved.string("state") == "approved" && approved.string("approved_by") == "系统管理员")
            // then: approved versions no longer change
            #expect(try await env.api(.POST, "/template-versions/\(draft.id)/approve", json: ["effective_on": "2026-05-01"]).errorCode == "version_not_draft")
            #expect(try await env.api(.PATCH, "/template-versions/\(draft.id)", json: ["change_note": "x"]).status == .conflict)
            #expect(try await env.api(.DELETE, "/template-versions/\(draft.id)").status == .conflict)
            // one version per effective date
            let second = try await env.api(.POST, "/templates/\(plan)/versions", json: ["change_note": "另一版"])
            #expect(second["rows"] as? [[String]] == rows.map { $0 + ["", ""] })  // a copy of the newest version
            let taken = try await env.api(.POST, "/template-versions/\(second.id)/approve", json: ["effective_on": "2026-04-01"])
            #expect(taken.status == .conflict && taken.errorCode == "effective_date_taken")

            var t = try await env.api(.GET, "/templates/\(plan)")
            #expect((t["effective_version"] as? [String: Any])?["number"] as? Int == 1)
            #expect((t["scheduled_version"] as? [String: Any])?["number"] as? Int == 2)

            // the last minute of 31 March (Shanghai) still runs on version 1
            env.clock.set(shanghai("2026-03-31T23:59:59"))
            t = try await env.api(.GET, "/templates/\(plan)")
            #expect((t["effective_version"] as? [String: Any])?["number"] as? Int == 1)
            #expect((t["versions"] as? [[String: Any]])?.map { $0["state"] as? String } == ["effective", "approved", "draft"])
            // a sweep before the date changes nothing
            _ = try await env.sweep()
            #expect((try await env.api(.GET, "/templates/\(plan)")["versions"] as? [[String: Any]])?.map { $0["state"] as? String }
                    == ["effective", "approved", "draft"])
            // midnight: version 2 is in force by its date at once; a read never writes, the stored states wait for the sweeper
            env.clock.set(shanghai("2026-04-01T00:00:00"))
            t = try await env.api(.GET, "/templates/\(plan)")
            #expect((t["effective_version"] as? [String: Any])?["number"] as? Int == 2)
            #expect(t["scheduled_version"] == nil)
            #expect((t["versions"] as? [[String: Any]])?.map { $0["state"] as? String } == ["effective", "approved", "draft"])
            #expect(try await AuditEvent.query(on: env.db).filter(\.$entityType == "template_version").filter(\.$action == "activate").count() == 0)
            // the sweeper makes version 2 effective and retires version 1, once
            _ = try await env.sweep()
            _ = try await env.sweep()
            t = try await env.api(.GET, "/templates/\(plan)")
            #expect((t["versions"] as? [[String: Any]])?.map { $0["state"] as? String } == ["retired", "effective", "draft"])
            let actions = try await AuditEvent.query(on: env.db).filter(\.$entityType == "template_version").sort(\.$id).all()
                .filter { $0.action == "activate" || $0.action == "retire" }.map(\.action)
            #expect(actions == ["retire", "activate"])
            // a draft can be discarded
            #expect(try await env.api(.DELETE, "/template-versions/\(second.id)").status == .noContent)
            #expect(try await env.api(.POST, "/templates/activate")["changed"] as? Int == 0)
        }
    }

    @Test func approvedTodayTakesEffectAtOnce() async throws {
        try await withTestApp { env in
            let sla = try await env.templateID("sla_policy", "default")
            var rows = try #require(try await env.api(.GET, "/template-versions/\(try await env.templateVersions(sla)[0]["id"] as! String)")["rows"] as? [[String]])
            let i = try #require(rows.firstIndex { $0[0] == "urgent.respond" })
            rows[i][2] = "90"
            try await env.approvedVersion(sla, rows: rows, on: "2026-03-10")
            let t = try await env.api(.GET, "/templates/\(sla)")
            #expect((t["effective_version"] as? [String: Any])?["number"] as? Int == 2)
            #expect((t["versions"] as? [[String: Any]])?.map { $0["state"] as? String } == ["retired", "effective"])
        }
    }

    @Test func diffShowsAddedRemovedAndChangedRows() async throws {
        try await withTestApp { env in
            let plan = try await env.templateID("milestone_plan", "manufacturing")
            let rows = [["原材料采购完成", "20", "15", "working_days", "project"],
                        ["生产完成50%", "20", "40", "working_days", "project"],
                        ["出厂检验通过", "20", "50", "working_days", "technical"],
                        ["安装调试完成", "10", "65", "working_days", "technical", "technical", "40"],
                        ["现场验收通过", "30", "70", "working_days", "project", "project", "12"]]
            _ = try await env.api(.POST, "/templates/\(plan)/versions", json: ["change_note": "增加安装调试节点", "rows": rows])
            let diff = try await env.api(.GET, "/templates/\(plan)/diff?from=1&to=2")
            #expect(diff.status == .ok)
            #expect([diff["added"], diff["removed"], diff["changed"], diff["unchanged"]].map { $0 as? Int } == [1, 1, 2, 2])
            let r = try #require(diff["rows"] as? [[String: Any]])
            #expect(r.map { $0["change"] as? String } == ["changed", "unchanged", "unchanged", "added", "removed", "changed"])
            #expect(r[0]["changed_columns"] as? [String] == ["offset"])
            #expect(diff["columns"] as? [String] == ["name", "weight", "offset", "offset_unit", "department", "people_department", "person_days"])
            #expect(r[0]["left"] as? [String] == Self.manufacturingPlanRead[0] && r[0]["right"] as? [String] == rows[0] + ["", ""])
            #expect(r[3]["left"] == nil && r[3]["right"] as? [String] == rows[3])
            #expect(r[4]["left"] as? [String] == Self.manufacturingPlanRead[3] && r[4]["right"] == nil)
            #expect(r[5]["changed_columns"] as? [String] == ["weight", "people_department", "person_days"])
            #expect(try await env.api(.GET, "/templates/\(plan)/diff?from=1&to=9").status == .notFound)
            #expect(try await env.api(.GET, "/templates/\(plan)/diff?from=1").status == .unprocessableEntity)
        }
    }

    @Test func applyingTemplatesFillsANewContract() async throws {
        try await withTestApp { env in
            // given: a manufacturing contract starting Sunday 2026-03-01
            let contract = try await env.makeContract()
            // when
            let r = try await env.api(.POST, "/contracts/\(contract)/apply-templates", json: [:])
            #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
            #expect([r["clauses"], r["responsibilities"], r["milestones"], r["risks"], r["risks_skipped"]].map { $0 as? Int } == [5, 5, 5, 6, 0])
            // then: milestones on cn-workday (Qingming 04-04…06, Labour Day 05-01…05, 05-09 worked)
            let ms = try await env.api(.GET, "/contracts/\(contract)/milestones?limit=50").items
            #expect(ms.map { $0["name"] as? String ?? "" } == ["原材料采购完成", "生产完成50%", "出厂检验通过", "发货到场", "现场验收通过"])
            #expect(ms.map { $0["planned_on"] as? String ?? "" } == ["2026-03-27", "2026-04-27", "2026-05-13", "2026-05-27", "2026-06-10"])
            #expect(ms.map { $0["weight"] as? Double ?? -1 } == [20, 20, 20, 15, 25])
            #expect(ms.map { $0["sequence"] as? Int ?? 0 } == [1, 2, 3, 4, 5])
            let technical = try await SecurityFixtures.departmentID(env, "technical").uuidString.lowercased()
            #expect((ms[2]["department_id"] as? String)?.lowercased() == technical)
            let rs = try await env.api(.GET, "/contracts/\(contract)/responsibilities?limit=50").items
            #expect(rs.map { $0["duty"] as? String ?? "" } == TemplateDefaults.responsibilities(.manufacturing).map { $0[3] })
            #expect(rs.map { $0["due_on"] as? String ?? "-" } == ["2026-03-08", "2026-03-15", "-", "-", "2026-03-04"])
            let clauses = try await env.api(.GET, "/contracts/\(contract)/clauses?limit=50").items
            #expect(clauses.map { $0["category"] as? String ?? "" } == ["delivery", "quality", "acceptance", "payment", "liability"])
            #expect(Set(rs.compactMap { $0["clause_id"] as? String }) == Set(clauses.compactMap { $0["id"] as? String }))
            let risks = try await env.api(.GET, "/contracts/\(contract)/risks?limit=50").items
            #expect(risks.first?["description"] as? String == "原材料或关键部件供应商延期交货")
            // the contract records the versions, and the audit trail says so
            let usage = try await env.api(.GET, "/contracts/\(contract)/template-versions")
            #expect((usage["versions"] as? [[String: Any]])?.map { "\($0["kind"]!)@\($0["number"]!)" }
                    == ["responsibility@1", "milestone_plan@1", "risk_checklist@1"])
            let applied = try await AuditEvent.query(on: env.db).filter(\.$action == "templates.applied").count()
            #expect(applied == 1)
            // a second application is refused and changes nothing
            let again = try await env.api(.POST, "/contracts/\(contract)/apply-templates", json: ["kinds": ["milestone_plan"]])
            #expect(again.status == .conflict && again.errorCode == "contract_has_milestones")
            #expect(try await env.api(.GET, "/contracts/\(contract)/milestones?limit=50").items.count == 5)
        }
    }

    @Test func milestonePlanPersonDaysBecomeTheMilestonesPeopleLines() async throws {
        try await withTestApp { env in
            let plan = try await env.templateID("milestone_plan", "manufacturing")
            // bad people cells are named one by one
            let bad = try await env.api(.POST, "/templates/\(plan)/versions", json: ["change_note": "人天", "rows": [
                ["采购", "50", "20", "working_days", "project", "nobody", "10"],
                ["生产", "30", "40", "working_days", "project", "technical", "-3"],
                ["检验", "10", "50", "working_days", "project", "technical", "99999"],
                ["验收", "10", "60", "working_days", "project", "", "5"],
            ]])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.errorFields.keys.sorted() == ["rows.0.people_department", "rows.1.person_days", "rows.2.person_days", "rows.3.people_department"])
            // given: a plan with people on two of its three milestones (the middle row in the version-1 width)
            let version = try await env.approvedVersion(plan, rows: [
                ["原材料采购完成", "30", "20", "working_days", "project", "project", "12.5"],
                ["生产完成50%", "30", "40", "working_days", "project"],
                ["出厂检验通过", "40", "50", "working_days", "technical", "technical", "20"],
            ], on: "2026-06-01")
            let contract = try await env.makeContract()   // manufacturing, starts 2026-03-01
            // when
            let r = try await env.api(.POST, "/contracts/\(contract)/apply-templates", json: ["kinds": ["milestone_plan"], "milestone_version_id": version])
            #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
            // then: one person line per milestone with person-days, from the previous milestone's date (or the start)
            let ms = try await env.api(.GET, "/contracts/\(contract)/milestones?limit=50").items
            #expect(ms.map { $0["planned_on"] as? String ?? "" } == ["2026-03-27", "2026-04-27", "2026-05-13"])
            let project = try await SecurityFixtures.departmentID(env, "project").uuidString.lowercased()
            let technical = try await SecurityFixtures.departmentID(env, "technical").uuidString.lowercased()
            var lines: [String] = []
            for m in ms {
                for l in try await env.api(.GET, "/milestones/\(m["id"] as! String)/resource-lines").items {
                    let d = (l["department_id"] as? String)?.lowercased() == project ? "project" : (l["department_id"] as? String)?.lowercased() == technical ? "technical" : "?"
                    lines.append("\(m["name"]!) \(l["kind"]!) \(d) \(l["person_days"] as? Double ?? -1) \(l["starts_on"]!)…\(l["ends_on"]!)")
                }
            }
            #expect(lines == ["原材料采购完成 person project 12.5 2026-03-01…2026-03-27",
                              "出厂检验通过 person technical 20.0 2026-04-27…2026-05-13"])
            // in the same transaction, each line with its audit event
            #expect(try await AuditEvent.query(on: env.db).filter(\.$entityType == ResourceLine.entityType).filter(\.$action == "create").count() == 2)
            #expect(try await ResourceLine.query(on: env.db).count() == 2)
        }
    }

    @Test func applyingAChosenVersionAndRefusals() async throws {
        try await withTestApp { env in
            let plan = try await env.templateID("milestone_plan", "construction")
            let future = try await env.approvedVersion(plan, rows: [["开工", "40", "0", "days", ""], ["竣工", "60", "10", "working_days", "project"]],
                                                       on: "2026-06-01")
            let draft = try await env.api(.POST, "/templates/\(plan)/versions", json: ["change_note": "草稿"])
            let contract = try await env.makeContract(number: "HT-2026-009", customerName: "某建设单位")
            // a draft is not applied; a version of another kind is a bad field
            let d = try await env.api(.POST, "/contracts/\(contract)/apply-templates", json: ["kinds": ["milestone_plan"], "milestone_version_id": draft.id])
            #expect(d.status == .conflict && d.errorCode == "version_not_approved")
            let wrong = try await env.api(.POST, "/contracts/\(contract)/apply-templates", json: ["kinds": ["responsibility"], "responsibility_version_id": future])
            #expect(wrong.status == .unprocessableEntity && wrong.errorFields["responsibility_version_id"] != nil)
            #expect(try await env.api(.POST, "/contracts/\(contract)/apply-templates", json: ["kinds": ["budget"]]).errorFields["kinds.0"] != nil)
            // the chosen (future-dated, approved) plan: offsets from 2026-03-01
            let ok = try await env.api(.POST, "/contracts/\(contract)/apply-templates", json: ["kinds": ["milestone_plan"], "milestone_version_id": future])
            #expect(ok.status == .created && ok["milestones"] as? Int == 2 && ok["risks"] as? Int == 0)
            let ms = try await env.api(.GET, "/contracts/\(contract)/milestones").items
            #expect(ms.map { $0["planned_on"] as? String ?? "" } == ["2026-03-01", "2026-03-13"])
            #expect(ms[0]["department_id"] == nil)
            // no start date: nothing to plan from
            let customer = try await env.makeCustomer("无开始日期客户")
            let undated = try await env.api(.POST, "/contracts", json: ["number": "HT-2026-010", "title": "t", "customer_id": customer,
                                                                        "category": "other", "amount": "100.00", "status": "active"])
            let u = try await env.api(.POST, "/contracts/\(undated.id)/apply-templates", json: [:])
            #expect(u.status == .unprocessableEntity && u.errorFields["starts_on"] != nil)
            #expect(try await env.api(.GET, "/contracts/\(undated.id)/responsibilities").items.isEmpty)  // all or nothing
        }
    }

    @Test func plansAndRequestsRecordTheVersionsInForce() async throws {
        try await withTestApp { env in
            // given: version 1 everywhere
            let (_, plan1, _) = try await env.servicePlan(number: "HT-2026-S01")
            let p1 = try await env.api(.GET, "/service-plans/\(plan1)/template-versions")
            #expect((p1["versions"] as? [[String: Any]])?.map { "\($0["kind"]!)@\($0["number"]!)" } == ["sla_policy@1"])
            #expect((((try await env.api(.GET, "/service-plans/\(plan1)"))["clock_policy"] as? [String: Any])?["targets"] as? [String: Any])?.isEmpty == true)

            // when: the service desk revises the SLA (urgent response 90 min) and the fault-repair instruction, from today
            let desk = try await SecurityFixtures.person(env, "kefu", role: .serviceDesk, department: "service")
            let sla = try await env.templateID("sla_policy", "default")
            var rows = try #require(try await env.api(.GET, "/template-versions/\(try await env.templateVersions(sla)[0]["id"] as! String)")["rows"] as? [[String]])
            rows[rows.firstIndex { $0[0] == "urgent.respond" }!][2] = "90"
            let draft = try await env.api(.POST, "/templates/\(sla)/versions", json: ["change_note": "紧急响应缩短至90分钟", "rows": rows], token: desk.token)
            #expect(draft.status == .created)
            #expect(try await env.api(.POST, "/template-versions/\(draft.id)/approve", json: ["effective_on": "2026-03-10"], token: desk.token).status == .forbidden)
            #expect(try await env.api(.POST, "/template-versions/\(draft.id)/approve", json: ["effective_on": "2026-03-10"]).status == .ok)
            let wi = try await env.templateID("work_instruction", "fault_repair")
            try await env.approvedVersion(wi, rows: [["step", "确认故障现象", "yes", "", ""], ["step", "先电源后系统", "yes", "", ""],
                                                     ["tool", "数字万用表", "", "test_equipment", "1"]], on: "2026-03-10")

            // then: new plans and requests take and record version 2
            let (contract2, plan2, _) = try await env.servicePlan(number: "HT-2026-S02")
            let policy = (try await env.api(.GET, "/service-plans/\(plan2)"))["clock_policy"] as? [String: Any]
            #expect(((policy?["targets"] as? [String: Any])?["urgent.respond"] as? [String: Any])?["value"] as? Int == 90)
            let p2 = try await env.api(.GET, "/service-plans/\(plan2)/template-versions")
            #expect((p2["versions"] as? [[String: Any]])?.first?["number"] as? Int == 2)
            let request = try await env.serviceRequest(contract: contract2, urgency: "urgent")
            let used = try await env.api(.GET, "/service-requests/\(request.id)/template-versions")
            #expect((used["versions"] as? [[String: Any]])?.map { "\($0["kind"]!)@\($0["number"]!)" } == ["work_instruction@2", "satisfaction_survey@1"])
            let detail = try await env.api(.GET, "/service-requests/\(request.id)")
            #expect((detail["checklist"] as? [[String: Any]])?.map { $0["text"] as? String ?? "" } == ["确认故障现象", "先电源后系统"])
            // the old plan keeps the policy it was made under
            #expect((try await env.api(.GET, "/service-plans/\(plan1)/template-versions")["versions"] as? [[String: Any]])?.first?["number"] as? Int == 1)
        }
    }

    @Test func whoMayDraftApproveAndRead() async throws {
        try await withTestApp { env in
            let legal = try await SecurityFixtures.person(env, "fawu", role: .legal, department: "legal")
            let project = try await SecurityFixtures.person(env, "xiangmu", role: .project, department: "project")
            let viewer = try await SecurityFixtures.person(env, "guest", role: .viewer)
            let finance = try await SecurityFixtures.person(env, "caiwu", role: .finance, department: "finance")
            let manager = try await SecurityFixtures.person(env, "jingli", role: .manager)
            let responsibility = try await env.templateID("responsibility", "manufacturing")
            let milestones = try await env.templateID("milestone_plan", "manufacturing")
            let note: [String: Any?] = ["change_note": "修订"]
            #expect(try await env.api(.POST, "/templates/\(responsibility)/versions", json: note, token: legal.token).status == .created)
            #expect(try await env.api(.POST, "/templates/\(milestones)/versions", json: note, token: legal.token).status == .forbidden)
            let draft = try await env.api(.POST, "/templates/\(milestones)/versions", json: note, token: project.token)
            #expect(draft.status == .created && draft.string("author") == "xiangmu")
            #expect(try await env.api(.POST, "/template-versions/\(draft.id)/approve", json: ["effective_on": "2026-04-01"], token: project.token).status == .forbidden)
            #expect(try await env.api(.POST, "/templates/\(milestones)/versions", json: note, token: finance.token).status == .forbidden)
            #expect(try await env.api(.GET, "/templates", token: viewer.token).items.count == 20)
            #expect(try await env.api(.GET, "/templates/due-for-revision", token: finance.token).status == .ok)
            #expect(try await env.api(.POST, "/templates/\(milestones)/versions", json: note, token: viewer.token).status == .forbidden)
            #expect(try await env.api(.PATCH, "/template-versions/\(draft.id)", json: note, token: legal.token).status == .forbidden)
            #expect(try await env.api(.POST, "/templates", json: ["kind": "sla_policy", "scope": "default", "name": "x", "rows": []], token: project.token).status == .forbidden)
            #expect(try await env.api(.POST, "/template-versions/\(draft.id)/approve", json: ["effective_on": "2026-04-01"], token: manager.token).status == .ok)
            // a contract's department staff apply only the kinds whose rows they may create
            let contract = try await env.makeContract()
            let denied = try await env.api(.POST, "/contracts/\(contract)/apply-templates", json: ["kinds": ["milestone_plan"]], token: legal.token)
            #expect(denied.status == .forbidden)
        }
    }

    @Test func yearlyRevisionList() async throws {
        try await withTestApp { env in
            #expect(try await env.api(.GET, "/templates/due-for-revision").items.isEmpty)
            let survey = try await env.templateID("satisfaction_survey", "default")
            try await env.approvedVersion(survey, rows: TemplateDefaults.survey, on: "2026-03-10")
            env.clock.set(shanghai("2027-03-10T12:00:00"))
            #expect(try await env.api(.GET, "/templates/due-for-revision").items.isEmpty)
            env.clock.set(shanghai("2027-03-11T12:00:00"))
            let due = try await env.api(.GET, "/templates/due-for-revision").items
            #expect(due.map { $0["id"] as? String } == [survey])
            #expect(due.first?["due_for_revision"] as? Bool == true)
        }
    }

    @Test func inputErrorsAreNamed() async throws {
        try await withTestApp { env in
            let plan = try await env.templateID("milestone_plan", "manufacturing")
            #expect(try await env.api(.POST, "/templates/\(plan)/versions", raw: "{").status == .badRequest)
            #expect(try await env.api(.POST, "/templates/\(plan)/versions", json: ["change_note": ""]).errorFields.keys.sorted() == ["change_note"])
            let ragged = try await env.api(.POST, "/templates/\(plan)/versions", json: ["change_note": "x", "rows": [["只有名称"]]])
            #expect(ragged.errorFields.keys.sorted() == ["rows.0"])
            let dup = try await env.api(.POST, "/templates/\(plan)/versions", json: ["change_note": "x", "rows": [["A", "50", "1", "days", ""], ["A", "50", "2", "days", ""]]])
            #expect(dup.errorFields.keys.sorted() == ["rows.1.name"])
            #expect(try await env.api(.POST, "/templates", json: ["kind": "milestone_plan", "scope": "manufacturing", "name": "x",
                                                                  "rows": Self.manufacturingPlan]).status == .conflict)
            #expect(try await env.api(.POST, "/templates", json: ["kind": "nope", "scope": "x", "name": "x"]).errorFields.keys.sorted() == ["kind", "rows"])
            #expect(try await env.api(.GET, "/templates?kind=nope").status == .unprocessableEntity)
            #expect(try await env.api(.GET, "/templates/not-a-uuid").status == .notFound)
        }
    }

    @Test func demoShowsARevisionADraftAndADueTemplate() async throws {
        try await withTestApp { env in
            try await DemoData.loadOnce(env.app)
            let due = try await env.api(.GET, "/templates/due-for-revision").items
            #expect(due.map { "\($0["kind"]!)/\($0["scope"]!)" } == ["risk_checklist/construction"])
            let plan = try await env.templateID("milestone_plan", "manufacturing")
            let t = try await env.api(.GET, "/templates/\(plan)")
            #expect((t["versions"] as? [[String: Any]])?.map { $0["state"] as? String } == ["retired", "effective", "draft"])
            // version 2 also gives 出厂检验, 安装调试 and 现场验收 their person-days
            let diff = try await env.api(.GET, "/templates/\(plan)/diff?from=1&to=2")
            #expect([diff["added"], diff["removed"], diff["changed"], diff["unchanged"]].map { $0 as? Int } == [1, 1, 3, 1])
            let rows = try #require(diff["rows"] as? [[String: Any]])
            #expect(rows.compactMap { ($0["right"] as? [String]).map { "\($0[0]) \($0[5]) \($0[6])" } }
                    == ["原材料采购完成  ", "生产完成50%  ", "出厂检验通过 technical 20", "安装调试完成 technical 40", "现场验收通过 project 12"])
            let sla = try await env.api(.GET, "/templates/\(try await env.templateID("sla_policy", "default"))")
            #expect((sla["scheduled_version"] as? [String: Any])?["effective_on"] as? String == "2026-03-31")
            #expect(try await AuditVerifier.verify(on: env.db).problem == nil)
        }
    }
}
