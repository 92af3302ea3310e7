@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// The report's web page, printable document, XLSX download and the improvement action form (issue #7).
@Suite("Quarterly report on the web")
struct ReportWebTests {
    @Test("the page draws its charts as SVG without inline styles or scripts, in both languages")
    func page() async throws {
        try await withTestApp { env in
            _ = try await ReportFixture.load(env)
            let browser = try await SecurityFixtures.browser(env, "admin")
            // No quarter: the last closed one.
            let redirect = try await browser.get("/reports/quarterly")
            #expect(redirect.status == .seeOther || redirect.status == .found)
            #expect(redirect.headers.first(name: .location) == "/reports/quarterly?quarter=2026Q3")
            let page = try await browser.get("/reports/quarterly?quarter=2026Q3")
            #expect(page.status == .ok)
            #expect(page.html.contains("季度履约与服务分析报告 2026Q3"))
            #expect(page.html.components(separatedBy: "<svg").count - 1 >= 7)
            #expect(page.html.contains("class=\"rc-line\""))  // the Pareto's cumulative line
            #expect(page.html.contains("原材料供应"))
            #expect(page.html.contains("42.9%"))
            #expect(!page.html.contains("style=") && !page.html.contains("<script>") && !page.html.contains("<style"))
            #expect(page.html.contains("action=\"/reports/quarterly/freeze\""))
            let en = try await browser.get("/reports/quarterly?quarter=2026Q3&lang=en")
            #expect(en.html.contains("Milestone on-time rate"))
            let print = try await browser.get("/reports/quarterly/print?quarter=2026Q3")
            #expect(print.status == .ok)
            #expect(print.html.contains("/css/report.css"))
            #expect(!print.html.contains("style=") && !print.html.contains("<style"))
            #expect(!print.html.contains("class=\"topbar\""))
            #expect(try await browser.get("/reports/quarterly?quarter=2026Q9").status == .unprocessableEntity)
        }
    }

    @Test("the XLSX download has the figures as numbers and one sheet per table")
    func xlsx() async throws {
        try await withTestApp { env in
            _ = try await ReportFixture.load(env)
            let browser = try await SecurityFixtures.browser(env, "admin")
            let file = try await browser.get("/reports/quarterly/xlsx?quarter=2026Q3")
            #expect(file.status == .ok)
            #expect(file.headers.contentType?.description.contains("spreadsheetml") == true)
            let report = try await QuarterlyReportService.report(Quarter("2026Q3")!, filters: .init(), on: env.db, now: env.clock.now)
            let parts = try XlsxZip.read(try ReportWorkbook.workbook(report, Localization.shared.strings(.zhCN)).data())
            let sheet = try #require(parts["xl/worksheets/sheet1.xml"].map { String(decoding: $0, as: UTF8.self) })
            #expect(sheet.contains("<v>42.9</v>"))
            #expect(sheet.contains("<v>80000</v>"))
            let workbook = try #require(parts["xl/workbook.xml"].map { String(decoding: $0, as: UTF8.self) })
            #expect(workbook.contains("指标") && workbook.contains("延迟原因") && workbook.contains("改进措施"))
        }
    }

    @Test("a manager creates an improvement action from a figure through the form; a viewer cannot")
    func actionForm() async throws {
        try await withTestApp { env in
            env.clock.set(ReportFixture.now)
            _ = try await SecurityFixtures.person(env, "zhou.qm", role: .manager)
            _ = try await SecurityFixtures.person(env, "kan.kan", role: .viewer)
            let project = try await SecurityFixtures.departmentID(env, "project")
            let manager = try await SecurityFixtures.browser(env, "zhou.qm")
            let form = try await manager.get("/improvement-actions/new?quarter=2026Q3&figure_key=milestones.delay_rate")
            #expect(form.status == .ok)
            #expect(form.html.contains("value=\"milestones.delay_rate\" selected"))
            let csrf = try #require(form.csrf)
            let bad = try await manager.post("/improvement-actions", [("csrf_token", csrf), ("quarter", "2026Q3"), ("finding", ""), ("measure", "x"),
                                                                     ("cause_category", "supplier"), ("owner_department_id", project.formValue),
                                                                     ("due_on", "2026-11-30"), ("status", "planned")])
            #expect(bad.status == .unprocessableEntity)
            #expect(try await ImprovementAction.query(on: env.db).count() == 0)
            let ok = try await manager.post("/improvement-actions", [("csrf_token", csrf), ("quarter", "2026Q3"), ("figure_key", "milestones.delay_rate"),
                                                                    ("finding", "延迟率57.1%"), ("measure", "每周评审原材料到货"),
                                                                    ("cause_category", "supplier"), ("owner_department_id", project.formValue),
                                                                    ("owner_id", ""), ("due_on", "2026-11-30"), ("status", "planned"), ("effect_review", "")])
            #expect(ok.status == .seeOther || ok.status == .found)
            let a = try #require(try await ImprovementAction.query(on: env.db).first())
            #expect(a.figureKey == "milestones.delay_rate")
            let list = try await manager.get("/improvement-actions")
            #expect(list.html.contains("每周评审原材料到货"))
            let viewer = try await SecurityFixtures.browser(env, "kan.kan")
            #expect(try await viewer.get("/improvement-actions").status == .ok)
            #expect(try await viewer.get("/improvement-actions/new").status == .forbidden)
            #expect(try await viewer.get("/improvement-actions/\(a.id!.formValue)/edit").status == .forbidden)
        }
    }
}

@Suite("Quarterly report of the demo")
struct ReportDemoTests {
    @Test("the demo gives a meaningful current and previous quarter: delays with causes, escalations, clocks, ratings, actions")
    func demo() async throws {
        try await withTestApp { env in
            try await DemoData.loadOnce(env.app)
            // testStart is 2026-03-10: 2026Q1 is running, 2025Q4 closed.
            let previous = try await env.api(.GET, "/reports/quarterly?quarter=2025Q4")
            #expect(previous.status == .ok)
            #expect((previous.figure("milestones.due")?.value ?? 0) >= 10)
            #expect(previous.figure("milestones.delay_rate")?.value != nil)
            #expect((previous.json["delay_causes"] as? [[String: Any]])?.first?["key"] as? String == "raw_material")
            #expect((previous.figure("escalations.count")?.value ?? 0) >= 3)
            #expect((previous.figure("service.requests")?.value ?? 0) >= 6)
            #expect(previous.figure("service.clock.urgent.respond")?.value != nil)
            #expect(previous.figure("service.follow_up_compliance")?.value != nil)
            #expect(previous.figure("service.objection_compliance")?.value != nil)
            #expect(previous.figure("satisfaction.speed")?.value != nil)
            #expect(previous.figure("payments.overdue_count")?.value == 1)
            let current = try await env.api(.GET, "/reports/quarterly?quarter=2026Q1")
            #expect(current.figure("milestones.on_time_rate")?.previous == previous.figure("milestones.on_time_rate")?.value)
            #expect(current.figure("milestones.on_time_rate")?.value != nil)
            #expect((current.figure("service.requests")?.value ?? 0) >= 3)
            #expect((current.json["actions"] as? [[String: Any]])?.count == 3)
            // The sweeper alerts the overdue action's owner.
            #expect(try await env.api(.GET, "/improvement-actions?overdue=true").items.count == 1)
            let sweep = try await env.sweep()
            #expect(sweep.actionsOverdue == 1)
            let browser = try await SecurityFixtures.browser(env, "zhoumin")
            let page = try await browser.get("/reports/quarterly?quarter=2025Q4")
            #expect(page.status == .ok)
            #expect(page.html.contains("原材料供应"))
        }
    }
}
