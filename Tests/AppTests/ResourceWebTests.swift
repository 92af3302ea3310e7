@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue #10's pages: plan on a milestone, department load with over-allocation, risk reviews, feed links.
@Suite("Resource pages")
struct ResourceWebTests {
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
