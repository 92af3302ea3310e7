@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// Issue #10: iCalendar feeds per user and per department at secret URLs.
@Suite("Calendar feeds")
struct CalendarFeedTests {
    func fetch(_ env: TestEnv, _ url: String) async throws -> (status: HTTPStatus, type: String?, body: String) {
        var path = url
        if url.hasPrefix("http"), let u = URL(string: url) { path = u.path + (u.query.map { "?" + $0 } ?? "") }
        var out: (HTTPStatus, String?, String) = (.internalServerError, nil, "")
        try await env.app.testing().test(.GET, path) { res async in
            out = (res.status, res.headers.first(name: .contentType), String(decoding: Data(res.body.readableBytesView), as: UTF8.self))
        }
        return out
    }

    func lines(_ body: String, _ prefix: String) -> [String] {
        body.components(separatedBy: "\r\n").filter { $0.hasPrefix(prefix) }
    }

    @Test func userAndDepartmentFeedsHoldExactlyTheirItems() async throws {
        try await withTestApp { env in
            let pm = try await SecurityFixtures.person(env, "xm.zhao", role: .project, department: "project")
            let tech = try await SecurityFixtures.person(env, "js.qian", role: .technical, department: "technical")
            let techID = try await SecurityFixtures.departmentID(env, "technical").uuidString.lowercased()
            let mine = try await env.makeContract()
            let theirs = try await env.makeContract(number: "HT-2026-002", customerName: "另一家")
            #expect(try await env.api(.PATCH, "/contracts/\(mine)", json: ["owner_id": pm.id.uuidString]).status == .ok)
            #expect(try await env.api(.PATCH, "/contracts/\(theirs)", json: ["department_id": techID]).status == .ok)
            let design = try await env.milestone(mine, name: "设计", weight: 20, planned: "2026-03-01")
            _ = try await env.milestone(mine, name: "生产", weight: 40, planned: "2026-03-05")
            let ship = try await env.api(.POST, "/contracts/\(mine)/milestones", json: ["name": "发运, 到货", "weight": 40, "planned_on": "2026-03-20",
                                                                                    "department_id": techID])
            let install = try await env.milestone(theirs, name: "安装调试", weight: 100, planned: "2026-04-10")
            #expect(try await env.api(.POST, "/milestones/\(design)/updates", json: ["progress": 100, "actual_on": "2026-03-02"]).status == .created)
            let esc = try await env.api(.POST, "/escalations", json: ["contract_id": mine, "description": "主轴振动超标"])
            #expect(esc.status == .created)

            let created = try await env.api(.POST, "/feed-tokens", json: ["label": "Outlook"], token: pm.token)
            #expect(created.status == .created && created["scope"] as? String == "user")
            let url = try #require(created.string("url"))
            #expect(url.hasPrefix("http://127.0.0.1:8080/feeds/tok-") && url.hasSuffix(".ics"))
            // Only the hash is stored.
            let secret = String(url.split(separator: "/").last!.dropLast(4))
            let stored = try #require(try await FeedToken.find(UUID(uuidString: created.id)!, on: env.db))
            #expect(stored.tokenHash == TokenHash.of(secret) && stored.tokenHash != secret)
            #expect(try await env.api(.GET, "/feed-tokens", token: pm.token).items.map { $0["url"] == nil } == [true])

            let feed = try await fetch(env, url)
            #expect(feed.status == .ok && feed.type == "text/calendar; charset=utf-8")
            let escResolve = try #require(JSONCoding.parseInstant(esc.string("resolve_by") ?? ""))
            let number = esc.string("number") ?? ""
            #expect(feed.body.hasPrefix("BEGIN:VCALENDAR\r\nPRODID:-//lvyue//lvyue feeds//ZH\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\n"))
            #expect(lines(feed.body, "SUMMARY:") == ["SUMMARY:【已完成·延迟1天】节点 HT-2026-001 设计", "SUMMARY:【已延迟5天】节点 HT-2026-001 生产",
                                                     "SUMMARY:节点 HT-2026-001 发运\\, 到货", "SUMMARY:处理期限：\(number) HT-2026-001"])
            #expect(lines(feed.body, "DTSTART") == ["DTSTART;VALUE=DATE:20260301", "DTSTART;VALUE=DATE:20260305", "DTSTART;VALUE=DATE:20260320",
                                                    "DTSTART:" + ICalendar.utc(escResolve)])
            let production = try #require(try await Milestone.query(on: env.db).filter(\.$name == "生产").first()?.id).uuidString.lowercased()
            #expect(lines(feed.body, "UID:") == ["UID:milestone-\(design)@lvyue", "UID:milestone-\(production)@lvyue",
                                                 "UID:milestone-\(ship.id)@lvyue", "UID:escalation-\(esc.id)@lvyue"])
            #expect(Set(lines(feed.body, "DTSTAMP:")) == ["DTSTAMP:20260310T020000Z"])
            #expect(feed.body.hasSuffix("END:VEVENT\r\nEND:VCALENDAR\r\n"))
            // English titles on request.
            #expect(lines(try await fetch(env, url + "?lang=en").body, "SUMMARY:").first == "SUMMARY:[done\\, 1 d late] Milestone HT-2026-001 设计")

            // The technical department: its own milestone on another contract and every milestone of its contract, nothing else.
            #expect(try await env.api(.POST, "/feed-tokens", json: ["scope": "department", "department_id": techID], token: pm.token).status == .forbidden)
            #expect(try await env.api(.POST, "/feed-tokens", json: ["scope": "department"], token: tech.token).errorFields["department_id"] != nil)
            let dept = try await env.api(.POST, "/feed-tokens", json: ["scope": "department", "department_id": techID], token: tech.token)
            #expect(dept.status == .created)
            let deptFeed = try await fetch(env, try #require(dept.string("url")))
            #expect(lines(deptFeed.body, "SUMMARY:") == ["SUMMARY:节点 HT-2026-001 发运\\, 到货", "SUMMARY:节点 HT-2026-002 安装调试"])
            #expect(lines(deptFeed.body, "UID:") == ["UID:milestone-\(ship.id)@lvyue", "UID:milestone-\(install)@lvyue"])

            // Revoked: 404, like an unknown token. Someone else's token cannot be revoked (404).
            #expect(try await env.api(.DELETE, "/feed-tokens/\(created.id)", token: tech.token).status == .notFound)
            #expect(try await env.api(.DELETE, "/feed-tokens/\(created.id)", token: pm.token).status == .noContent)
            #expect(try await fetch(env, url).status == .notFound)
            #expect(try await fetch(env, "/feeds/tok-nothing.ics").status == .notFound)
            #expect(try await fetch(env, try #require(dept.string("url"))).status == .ok)
            #expect(try await env.api(.GET, "/feed-tokens", token: pm.token).items.first?["revoked_at"] != nil)
        }
    }
}
