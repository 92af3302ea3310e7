@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Sessions: rotation, timeouts, logout, deactivation, cookies")
struct SessionSecurityTests {
    @Test func signInRotatesTheSessionToken() async throws {
        try await withTestApp { env in
            let browser = WebBrowser(env)
            try await browser.signIn()
            let first = try #require(browser.cookies[WebCookies.session])
            try await browser.signIn()
            let second = try #require(browser.cookies[WebCookies.session])
            #expect(first != second)
            #expect(first.utf8.count >= 16)
            let old = WebBrowser(env)
            old.cookies[WebCookies.session] = first
            #expect(try await old.get("/contracts").status == .seeOther, "the replaced session is over")
            #expect(SecureToken.make().count >= 43, "256 bits, base64url")
        }
    }

    @Test func idleTimeoutEndsASessionAfterEightHours() async throws {
        try await withTestApp { env in
            let browser = try await SecurityFixtures.browser(env, "admin")
            env.clock.advance(hours: 7.9)
            #expect(try await browser.get("/contracts").status == .ok, "activity within 8 h keeps it")
            env.clock.advance(hours: 7.9)
            #expect(try await browser.get("/contracts").status == .ok)
            env.clock.advance(hours: 8.01)
            #expect(try await browser.get("/contracts").status == .seeOther)
        }
    }

    @Test func absoluteTimeoutEndsASessionAfterSevenDays() async throws {
        try await withTestApp { env in
            let browser = try await SecurityFixtures.browser(env, "admin")
            for _ in 0..<23 {  // active every 7 h: never idle, 161 h in all
                env.clock.advance(hours: 7)
                #expect(try await browser.get("/contracts").status == .ok)
            }
            env.clock.advance(hours: 7.5)  // 168.5 h
            #expect(try await browser.get("/contracts").status == .seeOther)
        }
    }

    @Test func logoutEndsTheSessionServerSide() async throws {
        try await withTestApp { env in
            let browser = WebBrowser(env)
            try await browser.signIn()
            let cookie = try #require(browser.cookies[WebCookies.session])
            let page = try await browser.get("/contracts")
            try await browser.post(SitePath.logout.path, [("csrf_token", page.csrf ?? "")])
            let replay = WebBrowser(env)
            replay.cookies[WebCookies.session] = cookie
            #expect(try await replay.get("/contracts").status == .seeOther)
        }
    }

    @Test func deactivationEndsSessionsAndTokens() async throws {
        try await withTestApp { env in
            let user = try await SecurityFixtures.person(env, "sun.wei", role: .engineer)
            let browser = try await SecurityFixtures.browser(env, "sun.wei")
            #expect(try await browser.get("/contracts").status == .ok)
            let patched = try await env.api(.PATCH, "/users/\(user.id.uuidString)", json: ["active": false])
            #expect(patched.status == .ok)
            #expect(try await browser.get("/contracts").status == .seeOther)
            #expect(try await env.api(.GET, "/me", token: user.token).status == .unauthorized)
            #expect(try await WebSession.query(on: env.db).filter(\.$user.$id == user.id).filter(\.$endedAt == nil).count() == 0)
            #expect(try await APIToken.query(on: env.db).filter(\.$user.$id == user.id).filter(\.$revokedAt == nil).count() == 0)
            #expect(try await SecurityFixtures.securityEvents(env, "user.change").count == 1)
        }
    }

    @Test func cookiesAreHttpOnlySameSiteAndHostPrefixedOverTLS() async throws {
        try await withTestApp { env in
            let plain = try await WebBrowser(env).signIn()
            let cookie = try #require(plain.setCookies.first { $0.hasPrefix("lvyue_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
            env.app.config.baseURL = "https://lvyue.example.com"
            let tls = try await WebBrowser(env).signIn()
            let secure = try #require(tls.setCookies.first { $0.hasPrefix("__Host-lvyue_session=") }, "\(tls.setCookies)")
            #expect(secure.contains("Secure") && secure.contains("HttpOnly") && secure.contains("Path=/") && !secure.contains("Domain"))
        }
    }
}
