@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// Issue #10's pages: plan on a milestone, department load with over-allocation, risk reviews, feed links.
@Suite("Resource pages")
struct ResourceWebTests {
    /// The dashboard's resource status panel (资源配置状态) shows only the contracts of the dashboard's filters.
    @Test func dashboardResourcePanelHonoursTheFilters() async throws {
        try await withTestApp { env in
            // given: two contracts of different customers, the second run by the technical department, each with a late material
            let a = try await env.makeContract(number: "HT-2026-101", customerName: "华东精密机械有限公司")
            let b = try await env.makeContract(number: "HT-2026-102", customerName: "西南水务工程有限公司")
            let tech = try await SecurityFixtures.departmentID(env, "technical")
            #expect(try await env.api(.PATCH, "/contracts/\(b)", json: ["department_id": tech.uuidString.lowercased()]).status == .ok)
            for c in [a, b] {
                let m = try await env.milestone(c, planned: "2026-03-31")
                let line = try await env.api(.POST, "/milestones/\(m)/resource-lines", json: [
                    "kind": "material", "item": "伺服电机", "quantity": 2, "unit": "台", "need_by": "2026-03-08"])
                #expect(line.status == .created)
            }
            let customerA = try #require(try await Contract.find(UUID(uuidString: a), on: env.db)).$customer.id
            let browser = WebBrowser(env)
            try await browser.signIn()
            func panel(_ query: String) async throws -> [String] {
                let html = try await browser.get("/dashboard" + query).html
                guard let start = html.range(of: "id=\"resource-status\""), let end = html[start.upperBound...].range(of: "</section>") else { return [] }
                return ["HT-2026-101", "HT-2026-102"].filter { html[start.upperBound..<end.lowerBound].contains($0) }
            }
            // when / then
            #expect(try await panel("") == ["HT-2026-101", "HT-2026-102"])
            #expect(try await panel("?customer_id=\(customerA.uuidString.lowercased())") == ["HT-2026-101"])
            #expect(try await panel("?department_id=\(tech.uuidString.lowercased())") == ["HT-2026-102"])
            #expect(try await panel("?category=service") == [])
            // The service itself, with the panel's limit: the filtered contract only, late material counted.
            let today = LocalDate(iso: "2026-03-10")!
            let items = try await ResourceStatusService.status(filter: DashboardFilter(departmentID: tech), limit: 20, today: today, on: env.db)
            #expect(items.map(\.contractNumber) == ["HT-2026-102"])
            #expect(items.first?.materialsLate == 1 && items.first?.materials == 1 && items.first?.state == "shortfall")
            let limited = try await ResourceStatusService.status(limit: 1, today: today, on: env.db)
            #expect(limited.map(\.contractNumber) == ["HT-2026-101"])
        }
    }

    @Test func planLoadReviewsAndFeedsThroughTheBrowser() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let m = try await env.milestone(contract, name: "生产", planned: "2026-03-31")
            let dept = try await SecurityFixtures.departmentID(env, "technical").uuidString.lowercased()
            _ = try await env.api(.PUT, "/departments/\(dept)/capacity", json: ["headcount": 1])
            let b = WebBrowser(env)
            try await b.signIn()

            // The milestone page links to its plan; adding a person line and a material through the form.
            #expect(try await b.get("/milestones/\(m)").html.lowercased().contains("/milestones/\(m.lowercased())/resources"))
            var page = try await b.get("/milestones/\(m)/resources")
            #expect(page.status == .ok && page.html.contains("资源计划"))
            let csrf = try #require(page.csrf)
            let bad = try await b.post("/milestones/\(m)/resources", [("csrf_token", csrf), ("kind", "material"), ("item", "电机")])
            #expect(bad.status == .unprocessableEntity && bad.html.contains("quantity"))
            var ok = try await b.post("/milestones/\(m)/resources", [("csrf_token", csrf), ("kind", "person"), ("department_id", dept), ("role", "电气"),
                                                                      ("person_days", "8"), ("starts_on", "2026-03-09"), ("ends_on", "2026-03-13"),
                                                                      ("item", "ignored for people")])
            #expect(ok.status == .seeOther || ok.status == .found || ok.status == .movedPermanently, "\(ok.status) \(ok.html.prefix(400))")
            ok = try await b.post("/milestones/\(m)/resources", [("csrf_token", csrf), ("kind", "material"), ("item", "伺服电机"), ("quantity", "12"),
                                                                  ("unit", "台"), ("need_by", "2026-03-08")])
            page = try await b.get("/milestones/\(m)/resources")
            #expect(page.html.contains("伺服电机 × 12 台") && page.html.contains("延迟"))

            // Department load: 8 person-days against 5, the week is highlighted and drills down to the milestone.
            let load = try await b.get("/resources/load?department=\(dept)&from=2026-03-09")
            #expect(load.status == .ok && load.html.contains("class=\"late over\"") && load.html.contains("160%"))
            #expect(load.html.contains("HT-2026-001 生产"))
            // Dashboard panel (资源配置状态).
            let dash = try await b.get("/dashboard")
            #expect(dash.html.contains("资源配置状态") && dash.html.contains("资源缺口"))

            // Risk review through the form; shown on the contract's risk page.
            let reviews = try await b.get("/contracts/\(contract)/risk-reviews")
            let rcsrf = try #require(reviews.csrf)
            _ = try await b.post("/contracts/\(contract)/risk-reviews", [("csrf_token", rcsrf), ("held_at", "2026-03-09T14:00"), ("departments", dept),
                                                                           ("attendees", "项目部、技术部"), ("decisions", "<b>启用备用供应商</b>")])
            let monitor = try await b.get("/contracts/\(contract)/monitor")
            #expect(monitor.html.contains("&lt;b&gt;启用备用供应商&lt;/b&gt;") && monitor.html.contains("2026-03-09 14:00"))

            // Feed links: created (shown once), then revoked.
            let feeds = try await b.get("/account/feeds")
            let fcsrf = try #require(feeds.csrf)
            let created = try await b.post("/account/feeds", [("csrf_token", fcsrf), ("label", "手机"), ("department_id", "")])
            #expect(created.status == .created && created.html.contains("/feeds/tok-"))
            let token = try #require(try await FeedToken.query(on: env.db).first())
            #expect(try await b.post("/account/feeds/\(token.id!.uuidString.lowercased())/revoke", [("csrf_token", fcsrf)]).status != .forbidden)
            #expect(try await FeedToken.find(token.id, on: env.db)?.revokedAt != nil)
            #expect(try await b.get("/account/feeds?lang=en").html.contains("Revoked"))
        }
    }
}
