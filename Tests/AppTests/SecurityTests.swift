@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Security: throttling, passwords, tokens, headers, escaping, security log")
struct SecurityTests {
    @Test func tokenEndpointLocksAnAccountAfterFiveFailures() async throws {
        try await withTestApp { env in
            // given
            _ = try await SecurityFixtures.person(env, "wang.fang", role: .legal)
            // when: five wrong passwords
            for _ in 0..<5 {
                let r = try await env.api(.POST, "/auth/token", json: ["username": "wang.fang", "password": "wrong-wrong"], anonymous: true)
                #expect(r.status == .unauthorized)
            }
            // then: locked, even with the right password, with a Retry-After
            let locked = try await env.api(.POST, "/auth/token", json: ["username": "wang.fang", "password": SecurityFixtures.password], anonymous: true)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.errorCode == "too_many_requests")
            let retry = try #require(locked.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(retry > 0 && retry <= 15 * 60)
            // another account is not affected
            #expect(try await env.api(.POST, "/auth/token", json: ["username": "admin", "password": testAdminPassword], anonymous: true).status == .created)
            // 15 minutes later the account works again
            env.clock.advance(hours: 0.26)
            #expect(try await env.api(.POST, "/auth/token", json: ["username": "wang.fang", "password": SecurityFixtures.password], anonymous: true).status == .created)
            #expect(try await SecurityFixtures.securityEvents(env, "login.failed").count == 5)
            #expect(try await SecurityFixtures.securityEvents(env, "login.locked").count == 1)
            #expect(try await SecurityFixtures.securityEvents(env, "login.throttled").count == 1)
            #expect(try await SecurityFixtures.securityEvents(env, "login.succeeded").count == 2)
        }
    }

    @Test func oneAddressIsLimitedToTwentyFailures() async throws {
        try await withTestApp { env in
            for i in 0..<20 {
                _ = try await env.api(.POST, "/auth/token", json: ["username": "nobody\(i)", "password": "wrong-wrong"], anonymous: true)
            }
            let r = try await env.api(.POST, "/auth/token", json: ["username": "admin", "password": testAdminPassword], anonymous: true)
            #expect(r.status == .tooManyRequests)
        }
    }

    @Test func webSignInSaysPlainlyWhenLocked() async throws {
        try await withTestApp { env in
            let browser = WebBrowser(env)
            for _ in 0..<5 { try await browser.signIn("admin", "wrong-wrong") }
            let page = try await browser.signIn("admin", testAdminPassword)
            #expect(page.status == .tooManyRequests)
            #expect(page.headers.first(name: "Retry-After") != nil)
            #expect(page.html.contains("15"))
            #expect(browser.cookies[WebCookies.session] == nil)
        }
    }

    @Test func passwordPolicyRefusesCommonShortAndLongPasswords() async throws {
        try await withTestApp { env in
            for (password, reason) in [("password123", "too common"), ("qwertyuiop", "too common"), ("Woaini1314", "too common"),
                                       ("short", "at least 8"), (String(repeating: "x", count: 129), "at most 128")] {
                let r = try await env.api(.POST, "/users", json: ["username": "u\(password.count)", "display_name": "u", "password": password, "role": "viewer"])
                #expect(r.status == .unprocessableEntity)
                #expect(r.errorFields["password"]?.contains(reason) == true, "\(password): \(r.errorFields)")
            }
            #expect(CommonPasswords.all.count > 2000)
            #expect(try await env.api(.POST, "/users", json: ["username": "ok", "display_name": "u", "password": "river-lantern-77", "role": "viewer"]).status == .created)
        }
    }

    @Test func changingThePasswordSignsOutOtherSessions() async throws {
        try await withTestApp { env in
            // given: a user signed in on the web and holding a token
            let user = try await SecurityFixtures.person(env, "liu.yang", role: .serviceDesk)
            let browser = try await SecurityFixtures.browser(env, "liu.yang")
            #expect(try await browser.get("/contracts").status == .ok)
            // when: a wrong current password, then the right one
            let wrong = try await env.api(.POST, "/me/password", json: ["current_password": "nope-nope-nope", "new_password": "amber-harbour-93"], token: user.token)
            #expect(wrong.status == .unprocessableEntity)
            let common = try await env.api(.POST, "/me/password", json: ["current_password": SecurityFixtures.password, "new_password": "password1"], token: user.token)
            #expect(common.errorFields["new_password"] != nil)
            let ok = try await env.api(.POST, "/me/password", json: ["current_password": SecurityFixtures.password, "new_password": "amber-harbour-93"], token: user.token)
            // then: the web session is over, the new password works, the old one does not
            #expect(ok.status == .ok)
            #expect(ok["ended_sessions"] as? Int == 1)
            #expect(try await browser.get("/contracts").status == .seeOther)
            #expect(try await env.api(.POST, "/auth/token", json: ["username": "liu.yang", "password": "amber-harbour-93"], anonymous: true).status == .created)
            #expect(try await SecurityFixtures.securityEvents(env, "password.change").count == 1)
        }
    }

    @Test func passwordPageChangesThePasswordAndKeepsThisSession() async throws {
        try await withTestApp { env in
            _ = try await SecurityFixtures.person(env, "liu.yang", role: .serviceDesk)
            let other = try await SecurityFixtures.browser(env, "liu.yang")
            let browser = try await SecurityFixtures.browser(env, "liu.yang")
            let form = try await browser.get(AccountPaths.password.path)
            #expect(form.status == .ok)
            let mismatch = try await browser.post(AccountPaths.password.path, [("csrf_token", form.csrf ?? ""), ("current_password", SecurityFixtures.password),
                                                                              ("new_password", "amber-harbour-93"), ("confirm_password", "other-other-1")])
            #expect(mismatch.status == .unprocessableEntity)
            let done = try await browser.post(AccountPaths.password.path, [("csrf_token", form.csrf ?? ""), ("current_password", SecurityFixtures.password),
                                                                          ("new_password", "amber-harbour-93"), ("confirm_password", "amber-harbour-93"),
                                                                          ("sign_out_others", "1")])
            #expect(done.status == .ok)
            #expect(try await browser.get("/contracts").status == .ok, "this session stays")
            #expect(try await other.get("/contracts").status == .seeOther, "the other session ended")
        }
    }

    @Test func tokensAreListedCreatedAndRevokedByTheirOwner() async throws {
        try await withTestApp { env in
            let a = try await SecurityFixtures.person(env, "a.user", role: .viewer)
            let b = try await SecurityFixtures.person(env, "b.user", role: .viewer)
            let created = try await env.api(.POST, "/tokens", json: ["name": "ci", "expires_in_hours": 1], token: a.token)
            #expect(created.status == .created)
            let newToken = try #require(created.string("token"))
            let id = try #require((created["info"] as? [String: Any])?["id"] as? String)
            let list = try await env.api(.GET, "/tokens", token: a.token)
            #expect(list.items.count == 2)
            #expect(!String(decoding: list.body, as: UTF8.self).contains(newToken), "a token is shown once, never listed")
            // someone else's token does not exist for you
            #expect(try await env.api(.DELETE, "/tokens/\(id)", token: b.token).status == .notFound)
            #expect(try await env.api(.GET, "/me", token: newToken).status == .ok)
            // expiry
            env.clock.advance(hours: 1.1)
            #expect(try await env.api(.GET, "/me", token: newToken).status == .unauthorized)
            // revocation
            #expect(try await env.api(.DELETE, "/tokens/\(id)", token: a.token).status == .noContent)
            let other = try await env.api(.POST, "/tokens", json: ["name": "x"], token: a.token)
            let otherID = try #require((other["info"] as? [String: Any])?["id"] as? String)
            #expect(try await env.api(.DELETE, "/tokens/\(otherID)").status == .noContent, "an administrator may revoke any token")
            #expect(try await env.api(.GET, "/me", token: try #require(other.string("token"))).status == .unauthorized)
            #expect(try await SecurityFixtures.securityEvents(env, "token.revoke").count == 2)
            #expect(try await SecurityFixtures.securityEvents(env, "token.create").count >= 2)
            // On SQLite these token reads (the refusals after revocation among them) ran on the requests' own read
            // connections, kept prepared, not on the pool.
            if env.app.isSQLite {
                let readers = try #require(env.app.sqliteReaders)
                #expect(readers.counts.connections >= 1)
                #expect(readers.counts.prepared >= 1)
            }
        }
    }

    @Test func securityHeadersOnEveryKindOfResponse() async throws {
        try await withTestApp { env in
            let browser = try await SecurityFixtures.browser(env, "admin")
            var responses: [(String, HTTPHeaders)] = []
            for (name, path) in [("json", "/api/v1/me"), ("json error", "/api/v1/contracts/not-an-id"), ("no route", "/api/v1/nope"),
                                 ("page", "/contracts"), ("error page", "/contracts/00000000-0000-7000-8000-00000000ffff"),
                                 ("css", "/css/app.css"), ("openapi", "/api/v1/openapi.json")] {
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: env.adminToken)
                headers.replaceOrAdd(name: .cookie, value: "lvyue_session=\(browser.cookies[WebCookies.session]!)")
                try await env.app.testing().test(.GET, path, headers: headers) { res async in responses.append((name, res.headers)) }
            }
            responses.append(("redirect", try await WebBrowser(env).get("/contracts").headers))
            responses.append(("unauthenticated", try await env.api(.GET, "/contracts", anonymous: true).headers))
            for (name, headers) in responses {
                #expect(headers.first(name: "X-Content-Type-Options") == "nosniff", "\(name)")
                #expect(headers.first(name: "Referrer-Policy") == "same-origin", "\(name)")
                let csp = headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(name): \(csp)")
            }
        }
    }

    /// A `<script>` typed into any text field is shown as text on every page that shows it.
    @Test func userTextIsEscapedOnEveryPage() async throws {
        try await withTestApp { env in
            let xss = "<script>alert('x')</script>"
            let customer = try await env.api(.POST, "/customers", json: ["name": "客户" + xss, "short_name": xss, "industry": xss, "address": xss])
            let contract = try await env.api(.POST, "/contracts", json: [
                "number": "HT-" + xss, "title": xss, "customer_id": customer.id, "category": "service", "amount": "1.00", "description": xss,
            ])
            #expect(contract.status == .created, "\(String(decoding: contract.body, as: UTF8.self))")
            let c = contract.id
            #expect(try await env.api(.POST, "/contracts/\(c)/clauses", json: ["category": "quality", "text": xss, "reference": xss]).status == .created)
            let m = try await env.api(.POST, "/contracts/\(c)/milestones", json: ["name": xss, "weight": 10, "planned_on": "2026-03-01"])
            #expect(try await env.api(.POST, "/milestones/\(m.id)/updates", json: ["progress": 30, "delay_cause": "raw_material", "delay_reason": xss,
                                                                                 "next_step": xss, "note": xss]).status == .created)
            #expect(try await env.api(.POST, "/contracts/\(c)/payments", json: ["name": xss, "amount_due": "1.00", "due_on": "2026-05-01"]).status == .created)
            #expect(try await env.api(.POST, "/customers/\(customer.id)/contacts", json: ["name": xss, "title": xss]).status == .created)
            let png = try await SecurityFixtures.upload(env, "/milestones/\(m.id)/attachments?filename=\(xss.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!).png", SecurityFixtures.png)
            #expect(png.status == .created)
            let contact = try await SecurityFixtures.person(env, "kehu", role: .customerContact, customer: UUID(uuidString: customer.id))
            _ = contact
            let browser = try await SecurityFixtures.browser(env, "admin")
            let portal = try await SecurityFixtures.browser(env, "kehu")
            let pages: [(WebBrowser, String)] = [
                (browser, "/contracts"), (browser, "/contracts/\(c)"), (browser, "/milestones/\(m.id)"), (browser, "/customers"),
                (browser, "/customers/\(customer.id)"), (browser, "/milestones/\(m.id)/attachments"), (browser, "/dashboard"),
                (browser, "/contracts?q=\(xss.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"),
                (portal, "/portal"), (portal, "/portal/contracts/\(c)"),
            ]
            // Pages that do not show these fields (the dashboard lists active contracts only; file names lose any path)
            // must still not render a script.
            let showsNoText: Set<String> = ["/dashboard", "/milestones/\(m.id)/attachments"]
            for (b, path) in pages {
                let page = try await b.get(path)
                #expect(page.status == .ok, "\(path): \(page.status)")
                #expect(!page.html.contains("<script>alert"), "\(path) renders a script")
                if !showsNoText.contains(path) {
                    #expect(page.html.contains("&lt;script&gt;"), "\(path) does not show the text")
                }
            }
        }
    }

    /// Every web route that changes state is a POST behind the CSRF check; no GET route changes state.
    @Test func noStateChangeOnGetAndCsrfOnEveryPost() async throws {
        try await withTestApp { env in
            let webRoutes = env.app.routes.all.filter { $0.path.first.map { "\($0)" } != "api" }
            let posts = webRoutes.filter { $0.method == .POST }
            #expect(!posts.isEmpty)
            #expect(webRoutes.allSatisfy { [.GET, .POST].contains($0.method) }, "web routes use GET to read and POST to change")
            let browser = try await SecurityFixtures.browser(env, "admin")
            let contract = try await env.makeContract()
            // Public forms without a session: the sign-in form (its own double-submit token) and the customer's
            // one-time rating link (the unguessable link token is the credential).
            let publicForms: Set<String> = ["login", "rate"]
            for route in posts where !publicForms.contains(route.path.first.map { "\($0)" } ?? "") {
                let path = "/" + route.path.map { component -> String in
                    if case .parameter = component { return contract } else { return "\(component)" }
                }.joined(separator: "/")
                let missing = try await browser.post(path, [("x", "1")])
                #expect(missing.status == .forbidden, "POST \(path) without a CSRF token: \(missing.status)")
                let wrong = try await browser.post(path, [("csrf_token", "wrong"), ("x", "1")])
                #expect(wrong.status == .forbidden, "POST \(path) with a wrong CSRF token: \(wrong.status)")
            }
            // Each route's first refusal of the minute is an event; its repeat is counted once the minute is over.
            let guarded = posts.count(where: { !publicForms.contains($0.path.first.map { "\($0)" } ?? "") })
            #expect(try await SecurityFixtures.securityEvents(env, "permission.denied").count == guarded)
            #expect(try await SecurityFixtures.repeatedDenialCounts(env) == Array(repeating: "1", count: guarded))
        }
    }

    /// Found by API fuzzing: instants before 1901 have a local-mean-time offset with seconds in Asia/Shanghai, which
    /// RFC 3339 cannot express; they are written in UTC instead.
    @Test func fuzzFindingOffsetsWithSecondsAreWrittenInUTC() async throws {
        try await withTestApp { env in
            let r = try await env.api(.POST, "/calendars/7x24/deadline", json: ["from": "1856-01-06T15:49:14Z", "minutes": 130])
            #expect(r.status == .ok)
            #expect(r.string("from") == "1856-01-06T15:49:14Z")
            #expect(r.string("deadline") == "1856-01-06T17:59:14Z")
            #expect(JSONCoding.formatInstant(testStart) == "2026-03-10T10:00:00+08:00")
        }
    }

    /// SQL only through bound parameters: raw SQL may interpolate only binds, literals, identifiers, and reviewed
    /// code constants (table/column names in migrations, a lock clause) — never a runtime value as text.
    @Test func noInterpolatedSQL() throws {
        let reviewed = ["\\(unsafeRaw: table)", "\\(unsafeRaw: column)", "\\(unsafeRaw: lock)", "\\(unsafeRaw: schema)"]
        let root = #filePath.components(separatedBy: "/Tests/")[0] + "/Sources/App"
        let files = FileManager.default.enumerator(atPath: root)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where (line.contains(".raw(\"") || line.contains("SQLRaw(\"") || line.contains("unsafeRaw:")) && line.contains("\\(") {
                var rest = String(line)
                for allowed in reviewed { rest = rest.replacingOccurrences(of: allowed, with: "") }
                for safe in ["\\(bind:", "\\(binds:", "\\(literal:", "\\(ident:"] { rest = rest.replacingOccurrences(of: safe, with: "") }
                guard rest.contains("\\(") else { continue }
                offenders.append("\(file):\(i + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders == [], "SQL built by interpolation")
    }
}
