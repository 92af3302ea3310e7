@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue #7 on the web: the library, editing a draft as a table, approval, the highlighted diff, the revision list
/// and applying templates to a contract.
@Suite("Template library pages", .serialized)
struct TemplateWebTests {
    @Test func draftEditApproveAndDiffThroughThePages() async throws {
        try await withTestApp { env in
            let browser = WebBrowser(env)
            try await browser.signIn()
            let plan = try await env.templateID("milestone_plan", "manufacturing")
            // the list shows every template with its version in force
            let list = try await browser.get("/templates")
            #expect(list.status == .ok && list.html.contains("制造类合同履约节点计划") && list.html.contains("v1 · 自始生效"))
            #expect(list.html.contains("href=\"/templates\""))  // the nav entry
            // a new draft from the template page
            let show = try await browser.get("/templates/\(plan)")
            let csrf = show.csrf ?? ""
            let created = try await browser.post("/templates/\(plan)/versions", [("csrf_token", csrf), ("change_note", "增加安装调试")])
            #expect(created.status == .seeOther)
            let draftID = try #require(created.location?.split(separator: "/").last.map { String($0.split(separator: "?")[0]) })
            let editor = try await browser.get("/template-versions/\(draftID)")
            #expect(editor.html.contains("name=\"cell_0_0\" value=\"原材料采购完成\""))
            #expect(editor.html.contains("name=\"row_count\" value=\"8\""))  // 5 rows + 3 blank
            // when: change an offset, clear row 3 (发货到场), add a row, and one bad cell first
            var form: [(String, String)] = [("csrf_token", csrf), ("version", "1"), ("row_count", "8"), ("change_note", "增加安装调试"), ("effective_on", "")]
            let rows = TemplateTests.manufacturingPlan
            for (i, row) in rows.enumerated() where i != 3 {
                for (j, cell) in row.enumerated() { form.append(("cell_\(i)_\(j)", i == 0 && j == 2 ? "15" : cell)) }
            }
            for (j, cell) in ["安装调试完成", "10", "65", "weeks", "technical"].enumerated() { form.append(("cell_5_\(j)", cell)) }
            let bad = try await browser.post("/template-versions/\(draftID)", form)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.html.contains("rows.4.offset_unit"))
            #expect(bad.html.contains("value=\"安装调试完成\""))  // what was typed is kept
            form = form.map { $0.0 == "cell_5_3" ? ("cell_5_3", "working_days") : $0 }
            let saved = try await browser.post("/template-versions/\(draftID)", form)
            #expect(saved.status == .seeOther)
            let version = try await env.api(.GET, "/template-versions/\(draftID)")
            #expect((version["rows"] as? [[String]])?.map { $0[0] } == ["原材料采购完成", "生产完成50%", "出厂检验通过", "现场验收通过", "安装调试完成"])
            // the diff page highlights each kind of row
            let diff = try await browser.get("/templates/\(plan)/diff?from=1&to=2")
            #expect(diff.status == .ok)
            #expect(diff.html.contains("新增 1 行，删除 1 行，修改 1 行，未变 3 行。"))
            #expect(diff.html.contains("<tr class=\"diff-removed\">") && diff.html.contains("<tr class=\"diff-added\">") && diff.html.contains("<tr class=\"diff-changed\">"))
            #expect(diff.html.contains("class=\"diff-right diff-cell\">15</td>"))
            // approval in the past is refused on the page; today activates it
            let past = try await browser.post("/template-versions/\(draftID)/approve", [("csrf_token", csrf), ("version", "2"), ("effective_on", "2026-01-01")])
            #expect(past.status == .unprocessableEntity)
            let approved = try await browser.post("/template-versions/\(draftID)/approve", [("csrf_token", csrf), ("version", "2"), ("effective_on", "2026-03-10")])
            #expect(approved.status == .seeOther)
            let after = try await browser.get("/templates/\(plan)")
            #expect(after.html.contains("tpl-effective\">生效</span>") && after.html.contains("tpl-retired\">已废止</span>"))
            // English
            let en = try await browser.get("/templates/\(plan)/diff?from=1&to=2&lang=en")
            #expect(en.html.contains("1 added, 1 removed, 1 changed, 3 unchanged rows."))
        }
    }

    @Test func revisionListAndApplyingToAContract() async throws {
        try await withTestApp { env in
            let browser = WebBrowser(env)
            try await browser.signIn()
            let survey = try await env.templateID("satisfaction_survey", "default")
            try await env.approvedVersion(survey, rows: TemplateDefaults.survey, on: "2026-03-10")
            env.clock.set(shanghai("2027-03-11T09:00:00"))
            try await browser.signIn()
            let due = try await browser.get("/templates/due")
            #expect(due.status == .ok && due.html.contains("客户满意度评价表") && !due.html.contains("制造类合同履约节点计划"))
            env.clock.set(testStart)
            try await browser.signIn()
            let contract = try await env.makeContract()
            #expect(try await browser.get("/contracts/\(contract)").html.contains("href=\"/contracts/\(contract.lowercased())/templates\""))
            let form = try await browser.get("/contracts/\(contract)/templates")
            #expect(form.status == .ok && form.html.contains("制造类合同履约节点计划 v1"))
            let posted = try await browser.post("/contracts/\(contract)/templates", [
                ("csrf_token", form.csrf ?? ""), ("responsibility_version_id", ""),
                ("milestone_version_id", try #require(try await env.templateVersions(try await env.templateID("milestone_plan", "manufacturing"))[0]["id"] as? String)),
                ("risk_version_id", ""), ("calendar_id", "cn-workday"),
            ])
            #expect(posted.status == .seeOther)
            #expect(try await env.api(.GET, "/contracts/\(contract)/milestones").items.count == 5)
            #expect(try await env.api(.GET, "/contracts/\(contract)/responsibilities").items.isEmpty)
            let again = try await browser.post("/contracts/\(contract)/templates", [
                ("csrf_token", form.csrf ?? ""), ("milestone_version_id", try await env.templateVersions(try await env.templateID("milestone_plan", "manufacturing"))[0]["id"] as! String),
            ])
            #expect(again.status == .conflict && again.html.contains("already has milestones"))
        }
    }

    @Test func viewersReadButSeeNoEditor() async throws {
        try await withTestApp { env in
            try await WebFixtures.user(env, "guest", role: .viewer, password: SecurityFixtures.password)
            let browser = WebBrowser(env)
            try await browser.signIn("guest", SecurityFixtures.password)
            let plan = try await env.templateID("milestone_plan", "manufacturing")
            let draft = try await env.api(.POST, "/templates/\(plan)/versions", json: ["change_note": "草稿"])
            let page = try await browser.get("/template-versions/\(draft.id)")
            #expect(page.status == .ok && !page.html.contains("name=\"cell_0_0\"") && page.html.contains("原材料采购完成"))
            #expect(try await browser.post("/templates/\(plan)/versions", [("csrf_token", page.csrf ?? ""), ("change_note", "x")]).status == .forbidden)
        }
    }
}
