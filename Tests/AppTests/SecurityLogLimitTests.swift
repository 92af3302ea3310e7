@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Security: token last use, bounded denial events")
struct SecurityLogLimitTests {
    @Test func aTokensLastUseIsRecordedAtMostOnceAMinute() async throws {
        try await withTestApp { env in
            // given
            let a = try await SecurityFixtures.person(env, "a.user", role: .viewer)
            let start = env.clock.now
            func stored() async throws -> Date? {
                try await APIToken.query(on: env.db).filter(\.$user.$id == a.id).first()?.lastUsedAt
            }
            #expect(try await stored() == nil, "never used yet")
            // when: used now
            #expect(try await env.api(.GET, "/me", token: a.token).status == .ok)
            // then
            #expect(try await stored().map { abs($0.timeIntervalSince(start)) < 0.001 } == true)
            // used again 30 s later: not written again
            env.clock.set(start.addingTimeInterval(30))
            #expect(try await env.api(.GET, "/me", token: a.token).status == .ok)
            #expect(try await stored().map { abs($0.timeIntervalSince(start)) < 0.001 } == true)
            // 61 s after the first use: written
            env.clock.set(start.addingTimeInterval(61))
            let list = try await env.api(.GET, "/tokens", token: a.token)
            #expect(try await stored().map { abs($0.timeIntervalSince(start.addingTimeInterval(61))) < 0.001 } == true)
            // the token list shows it
            let shown = try #require(list.items.first?["last_used_at"] as? String)
            #expect(JSONCoding.parseInstant(shown).map { abs($0.timeIntervalSince(start.addingTimeInterval(61))) < 0.001 } == true)
            // and so does the account page, names escaped
            #expect(try await env.api(.POST, "/tokens", json: ["name": "<script>alert(1)</script>"], token: a.token).status == .created)
            let browser = try await SecurityFixtures.browser(env, "a.user")
            let page = try await browser.get(AccountPaths.tokens.path)
            #expect(page.status == .ok)
            #expect(page.html.contains(Formats(.zhCN).time(start.addingTimeInterval(61))))
            #expect(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.html.contains("<script>alert(1)"))
            #expect(try await browser.get(AccountPaths.password.path).html.contains(AccountPaths.tokens.path))
        }
    }

    static func details(_ env: TestEnv, _ action: String) async throws -> [[String: String]] {
        try await SecurityFixtures.securityEvents(env, action).sorted { $0.id! < $1.id! }.map {
            (try? JSONDecoder().decode([String: String].self, from: Data(($0.after ?? "{}").utf8))) ?? [:]
        }
    }

    @Test func repeatedDenialsAreOneEventAMinuteWithACountAndTheChainHolds() async throws {
        try await withTestApp { env in
            // given: a viewer, who may not create contracts nor delete them
            let viewer = try await SecurityFixtures.person(env, "viewer", role: .viewer)
            let contract = try await env.makeContract()
            let start = env.clock.now
            // when: five refused creations and two refused deletions (of different ids) within the minute
            for _ in 0..<5 {
                #expect(try await env.api(.POST, "/contracts", json: ["number": "X"], token: viewer.token).status == .forbidden)
            }
            env.clock.set(start.addingTimeInterval(20))
            #expect(try await env.api(.DELETE, "/contracts/\(contract)", token: viewer.token).status == .forbidden)
            #expect(try await env.api(.DELETE, "/contracts/\(UUID().uuidString)", token: viewer.token).status == .forbidden)
            // then: one event per route
            var denied = try await Self.details(env, "permission.denied")
            #expect(denied.map { $0["route"] } == ["/api/v1/contracts", "/api/v1/contracts/:id"])
            #expect(try await Self.details(env, "permission.denied.repeated").isEmpty, "the minute is not over yet")
            // when: the next minute, one more refusal
            env.clock.set(start.addingTimeInterval(61))
            #expect(try await env.api(.POST, "/contracts", json: ["number": "X"], token: viewer.token).status == .forbidden)
            // then: the repeats of the first minute are written with their counts, and the new minute's first denial
            denied = try await Self.details(env, "permission.denied")
            #expect(denied.count == 3)
            let repeated = try await Self.details(env, "permission.denied.repeated")
            #expect(repeated.map { "\($0["method"] ?? "") \($0["route"] ?? "") \($0["count"] ?? "")" }
                    == ["POST /api/v1/contracts 4", "DELETE /api/v1/contracts/:id 1"])
            #expect(repeated.first?["who"] == "user:" + viewer.id.uuidString.lowercased())
            // a later sweep has nothing left to write
            env.clock.set(start.addingTimeInterval(200))
            await DenialLimiter.flush(env.app)
            let afterFlush = try await Self.details(env, "permission.denied.repeated")
            #expect(afterFlush.count == 2)
            // the hash chain is intact
            let verified = try await AuditVerifier.verify(on: env.db)
            #expect(verified.problem == nil)
        }
    }

    @Test func theMinuteSweepWritesTheCountsOfAMinuteThatIsOver() async throws {
        try await withTestApp { env in
            let viewer = try await SecurityFixtures.person(env, "viewer", role: .viewer)
            for _ in 0..<3 {
                #expect(try await env.api(.GET, "/audit", token: viewer.token).status == .forbidden)
            }
            await DenialLimiter.flush(env.app)
            #expect(try await Self.details(env, "permission.denied.repeated").isEmpty, "same minute: nothing yet")
            env.clock.advance(hours: 1.0 / 60)
            await DenialLimiter.flush(env.app)
            let repeated = try await Self.details(env, "permission.denied.repeated")
            #expect(repeated.map { $0["count"] } == ["2"])
            #expect(try await Self.details(env, "permission.denied").count == 1)
            #expect(try await AuditVerifier.verify(on: env.db).problem == nil)
        }
    }
}
