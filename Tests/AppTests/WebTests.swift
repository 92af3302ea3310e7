@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// A browser stand-in: keeps cookies between requests and reads the CSRF token out of forms.
final class WebBrowser: @unchecked Sendable {
    let env: TestEnv
    var cookies: [String: String] = [:]
    var acceptLanguage: String?

    init(_ env: TestEnv) { self.env = env }

    struct Page {
        var status: HTTPStatus
        var headers: HTTPHeaders
        var html: String
        var location: String? { headers.first(name: .location) }
        var setCookies: [String] { headers[.setCookie] }
        var csrf: String? {
            guard let r = html.range(of: #"name="csrf_token" value="([^"]*)""#, options: .regularExpression) else { return nil }
            return String(html[r]).components(separatedBy: "value=\"").last.map { String($0.dropLast()) }
        }
    }

    @discardableResult
    func get(_ path: String) async throws -> Page { try await send(.GET, path, form: nil) }

    @discardableResult
    func post(_ path: String, _ form: [(String, String)]) async throws -> Page { try await send(.POST, path, form: form) }

    func send(_ method: HTTPMethod, _ path: String, form: [(String, String)]?) async throws -> Page {
        var headers = HTTPHeaders()
        if !cookies.isEmpty { headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if let acceptLanguage { headers.replaceOrAdd(name: .acceptLanguage, value: acceptLanguage) }
        var body = ByteBuffer()
        if let form {
            var c = URLComponents()
            c.queryItems = form.map { URLQueryItem(name: $0.0, value: $0.1) }
            let encoded = (c.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            body.writeString(encoded)
            headers.contentType = .urlEncodedForm
        }
        var page: Page?
        try await env.app.testing().test(method, path, headers: headers, body: body) { res async in
            page = Page(status: res.status, headers: res.headers, html: String(decoding: res.body.readableBytesView, as: UTF8.self))
        }
        for raw in page!.setCookies {
            let pair = raw.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || raw.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return page!
    }

    /// Signs in through the form, as a person would.
    @discardableResult
    func signIn(_ username: String = "admin", _ password: String = testAdminPassword, next: String? = nil) async throws -> Page {
        let form = try await get(SitePath.login.path + (next.map { "?next=\($0)" } ?? ""))
        var fields = [("csrf_token", form.csrf ?? ""), ("username", username), ("password", password)]
        if let next { fields.append(("next", next)) }
        return try await post(SitePath.login.path, fields)
    }
}


/// Data for web tests, written through the same `Writes` + input types the API uses (not through HTTP, so these
/// tests depend only on the web layer under test).
enum WebFixtures {
    static func decode<T: Decodable>(_ type: T.Type, _ json: [String: Any]) throws -> T {
        try JSONCoding.decoder.decode(T.self, from: JSONSerialization.data(withJSONObject: json))
    }

    static func customer(_ env: TestEnv, _ name: String = "华东精密机械有限公司") async throws -> UUID {
        let c = Customer()
        try decode(CustomerRequest.self, ["name": name, "industry": "制造业"]).apply(to: c, creating: true)
        return try await Writes.create(env.app, actor: .system, c).id
    }

    static func contract(_ env: TestEnv, number: String = "HT-2026-001") async throws -> UUID {
        let customer = try await customer(env)
        let input = try decode(ContractInput.self, [
            "number": number, "title": "数控机床供货合同", "customer_id": customer.uuidString, "category": "manufacturing",
            "amount": "1250000.00", "starts_on": "2026-03-01", "ends_on": "2026-09-30", "status": "active",
        ])
        let c = Contract()
        c.id = env.app.deps.newID()
        return try await Writes.create(env.app, actor: .system, c, prepare: { db in try await input.apply(to: c, creating: true, db: db) }).id
    }

    static func child<I: ResourceInput>(_ env: TestEnv, _ type: I.Type, contract: UUID, _ json: [String: Any]) async throws -> UUID
    where I.Target: ContractChild {
        let input = try decode(I.self, json)
        let model = I.Target()
        model.contractKey.id = contract
        model.id = env.app.deps.newID()
        _ = try await Writes.create(env.app, actor: .system, model, prepare: { db in try await input.apply(to: model, creating: true, db: db) })
        return model.id!
    }

    static func user(_ env: TestEnv, _ username: String, role: Role, password: String) async throws {
        let request = try decode(CreateUserRequest.self, ["username": username, "display_name": username, "password": password,
                                                          "role": role.rawValue])
        _ = try await Writes.create(env.app, actor: .system, try await UserService.makeUser(env.app, request))
    }
}

@Suite struct WebTests {
    @Test func loginPageRendersInChineseByDefaultAndInEnglishOnRequest() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            // when
            let zh = try await browser.get("/login")
            let en = try await browser.get("/login?lang=en")
            let again = try await browser.get("/login")
            // then
            #expect(zh.status == .ok)
            #expect(zh.html.contains("<html lang=\"zh-CN\">"))
            #expect(zh.html.contains("用户名"))
            #expect(en.html.contains("<html lang=\"en\">"))
            #expect(en.html.contains("Username"))
            #expect(en.setCookies.contains { $0.hasPrefix("lvyue_lang=en") })
            #expect(again.html.contains("Username"), "the language choice sticks through the cookie")
            #expect(zh.headers.first(name: "Content-Security-Policy")?.contains("style-src 'self'") == true)
            #expect(!zh.html.contains("style="), "CSP forbids inline styles")
        }
    }

    @Test func firstVisitHonoursAcceptLanguage() async throws {
        try await withTestApp { env in
            let browser = WebBrowser(env)
            browser.acceptLanguage = "en-GB,en;q=0.9"
            let page = try await browser.get("/login")
            #expect(page.html.contains("Sign in"))
        }
    }

    @Test func wrongPasswordShowsAnErrorAndStartsNoSession() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            // when
            let page = try await browser.signIn("admin", "not-the-password")
            // then
            #expect(page.status == .unauthorized)
            #expect(page.html.contains("用户名或密码错误"))
            #expect(browser.cookies[WebCookies.session] == nil)
            #expect(try await WebSession.query(on: env.db).count() == 0)
        }
    }

    @Test func signInSetsTheSessionCookieAndOpensTheContractsPage() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            // when
            let login = try await browser.signIn()
            let contracts = try await browser.get(try #require(login.location))
            // then
            #expect(login.status == .seeOther)
            #expect(login.location == "/contracts")
            let cookie = try #require(login.setCookies.first { $0.hasPrefix("lvyue_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "plain-http base URL: no Secure flag")
            let token = try #require(browser.cookies[WebCookies.session])
            let session = try #require(try await WebSession.query(on: env.db).first())
            #expect(session.tokenHash == TokenHash.of(token), "only the hash is stored")
            #expect(session.tokenHash != token)
            #expect(contracts.status == .ok)
            #expect(contracts.html.contains("还没有合同"))
            #expect(contracts.html.contains("系统管理员"), "the signed-in user is shown")
            let audit = try await AuditEvent.query(on: env.db).filter(\.$action == "login").all()
            #expect(audit.count == 1 && audit.first?.entityType == "session")
        }
    }

    @Test func signInGoesBackToTheRequestedPageButNeverOffSite() async throws {
        try await withTestApp { env in
            let browser = WebBrowser(env)
            let bounce = try await browser.get("/customers")
            #expect(bounce.status == .seeOther)
            #expect(bounce.location == "/login?next=/customers")
            let back = try await browser.signIn(next: "/customers")
            #expect(back.location == "/customers")

            let other = WebBrowser(env)
            let offsite = try await other.signIn(next: "//evil.example/")
            #expect(offsite.location == "/contracts")
        }
    }

    @Test func postWithoutTheCSRFTokenIsRefused() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            try await browser.signIn()
            let customer = try await WebFixtures.customer(env).uuidString
            let fields = [("number", "HT-9"), ("title", "t"), ("customer_id", customer), ("category", "service"), ("amount", "10"),
                          ("currency", "CNY"), ("update_cadence_days", "7")]
            // when
            let missing = try await browser.post("/contracts/new", fields)
            let wrong = try await browser.post("/contracts/new", fields + [("csrf_token", "guess")])
            let loginWithout = try await WebBrowser(env).post("/login", [("username", "admin"), ("password", testAdminPassword)])
            // then
            #expect(missing.status == .forbidden)
            #expect(wrong.status == .forbidden)
            #expect(loginWithout.status == .forbidden)
            #expect(try await Contract.query(on: env.db).count() == 0)
        }
    }

    @Test func aBadFieldReRendersTheFormWithTheErrorAndCreatesNothing() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            try await browser.signIn()
            let customer = try await WebFixtures.customer(env).uuidString
            let form = try await browser.get("/contracts/new")
            // when
            let page = try await browser.post("/contracts/new", [
                ("csrf_token", form.csrf ?? ""), ("number", "HT-2026-007"), ("title", "数控机床供货合同"), ("customer_id", customer),
                ("category", "manufacturing"), ("amount", "12.345"), ("currency", "CNY"), ("starts_on", "2026-05-01"),
                ("ends_on", "2026-04-01"), ("update_cadence_days", "7"), ("owner_id", ""), ("department_id", ""),
            ])
            // then
            #expect(page.status == .unprocessableEntity)
            #expect(page.html.contains(#"id="e-amount""#))
            #expect(page.html.contains("最多两位小数"))
            #expect(page.html.contains(#"id="e-ends_on""#))
            #expect(page.html.contains("不能早于开始日期"))
            #expect(page.html.contains(#"value="HT-2026-007""#), "the user's input is kept")
            #expect(page.html.contains(#"value="12.345""#))
            #expect(try await Contract.query(on: env.db).count() == 0)
        }
    }

    @Test func aContractCreatedThroughTheFormShowsUpAndHTMLIsEscaped() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            try await browser.signIn()
            let customer = try await WebFixtures.customer(env).uuidString
            let form = try await browser.get("/contracts/new")
            // when
            let created = try await browser.post("/contracts/new", [
                ("csrf_token", form.csrf ?? ""), ("number", "HT-2026-008"), ("title", "<script>alert(1)</script>"),
                ("customer_id", customer), ("category", "service"), ("amount", "1250000"), ("currency", "CNY"),
                ("update_cadence_days", "14"),
            ])
            let detail = try await browser.get(try #require(created.location))
            let list = try await browser.get("/contracts")
            // then
            #expect(created.status == .seeOther)
            for page in [detail, list] {
                #expect(page.status == .ok)
                #expect(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(!page.html.contains("<script>alert(1)"))
            }
            #expect(list.html.contains("¥1,250,000.00"))
            #expect(detail.html.contains("每两周"))
            let contract = try #require(try await Contract.query(on: env.db).first())
            #expect(contract.title == "<script>alert(1)</script>")
            #expect(contract.updateCadenceDays == 14)
        }
    }

    @Test func aStaleEditIsRefusedWithoutOverwriting() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            try await browser.signIn()
            let id = try await WebFixtures.contract(env)
            let edit = try await browser.get("/contracts/\(id)/edit")
            // someone else changes the contract meanwhile
            let change = try WebFixtures.decode(ContractInput.self, ["title": "对方修改"])
            _ = try await Writes.update(env.app, actor: .system, Contract.self, id: id, expectedVersion: 1) { c, db in
                try await change.apply(to: c, creating: false, db: db)
            }
            // when
            let version = try #require(edit.html.range(of: #"name="version" value="1""#))
            _ = version
            let page = try await browser.post("/contracts/\(id)/edit", [
                ("csrf_token", edit.csrf ?? ""), ("version", "1"), ("number", "HT-2026-001"), ("title", "我的修改"),
                ("customer_id", try await Contract.find(id, on: env.db)!.$customer.id.uuidString),
                ("category", "manufacturing"), ("amount", "1250000.00"), ("currency", "CNY"), ("update_cadence_days", "7"),
            ])
            // then
            #expect(page.status == .preconditionFailed)
            #expect(page.html.contains("此合同已被他人修改，请刷新后重试"))
            #expect(try await Contract.find(id, on: env.db)?.title == "对方修改")
        }
    }

    @Test func detailPageShowsTheTablesOfTheStandard() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            try await browser.signIn()
            let id = try await WebFixtures.contract(env)
            _ = try await WebFixtures.child(env, MilestoneInput.self, contract: id, ["name": "原材料采购完成", "weight": 30, "planned_on": "2026-03-05"])
            _ = try await WebFixtures.child(env, MilestoneInput.self, contract: id, ["name": "生产进度50%", "weight": 70, "planned_on": "2026-04-30"])
            _ = try await WebFixtures.child(env, PaymentInput.self, contract: id, ["name": "预付款", "amount_due": "375000.00", "due_on": "2026-03-01"])
            // when
            let page = try await browser.get("/contracts/\(id)")
            // then
            #expect(page.status == .ok)
            #expect(page.html.contains("合同履约责任分工表（模板1）"))
            #expect(page.html.contains("合同履约关键节点跟踪表（模板2）"))
            #expect(page.html.contains("延迟 5 天"), "planned 03-05, today 03-10")
            #expect(page.html.contains("已逾期"))
            #expect(page.html.contains("¥375,000.00"))
            #expect(page.html.contains("w-0"))
        }
    }

    @Test func recordingProgressUpdatesTheMilestoneAndItsHistory() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            try await browser.signIn()
            let id = try await WebFixtures.contract(env)
            let m = try await WebFixtures.child(env, MilestoneInput.self, contract: id, ["name": "出厂检验合格", "weight": 100, "planned_on": "2026-03-05"])
            let form = try await browser.get("/milestones/\(m)")
            // when
            let bad = try await browser.post("/milestones/\(m)/progress", [("csrf_token", form.csrf ?? ""), ("version", "1"), ("progress", "140")])
            let good = try await browser.post("/milestones/\(m)/progress", [
                ("csrf_token", form.csrf ?? ""), ("version", "1"), ("progress", "60"), ("delay_cause", "raw_material"),
                ("delay_reason", "原材料到货晚"), ("next_step", "催交供应商"),
            ])
            let contract = try await browser.get("/contracts/\(id)")
            // then
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.html.contains("应在 0 到 100 之间"))
            #expect(good.status == .seeOther)
            #expect(contract.html.contains("原材料供应"))
            #expect(contract.html.contains("原材料到货晚"))
            #expect(contract.html.contains("60%"))
            #expect(try await MilestoneUpdate.query(on: env.db).count() == 1)
        }
    }

    @Test func logoutEndsTheSessionSoTheOldCookieNoLongerWorks() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            try await browser.signIn()
            let oldCookie = try #require(browser.cookies[WebCookies.session])
            let page = try await browser.get("/contracts")
            // when
            let out = try await browser.post("/logout", [("csrf_token", page.csrf ?? "")])
            browser.cookies[WebCookies.session] = oldCookie
            let after = try await browser.get("/contracts")
            // then
            #expect(out.status == .seeOther)
            #expect(out.location == "/login")
            #expect(after.status == .seeOther)
            #expect(after.location?.hasPrefix("/login") == true)
            #expect(try await WebSession.query(on: env.db).first()?.endedAt != nil)
            #expect(try await AuditEvent.query(on: env.db).filter(\.$action == "logout").count() == 1)
        }
    }

    @Test func anIdleSessionExpires() async throws {
        try await withTestApp { env in
            let browser = WebBrowser(env)
            try await browser.signIn()
            env.clock.advance(hours: 7.9)
            #expect(try await browser.get("/contracts").status == .ok)
            env.clock.advance(hours: 7.9)
            #expect(try await browser.get("/contracts").status == .ok, "each visit renews the idle limit")
            env.clock.advance(hours: 8.1)
            #expect(try await browser.get("/contracts").status == .seeOther)
        }
    }

    @Test func aViewerSeesNoCreateButtonAndIsRefusedTheForm() async throws {
        try await withTestApp { env in
            // given
            try await WebFixtures.user(env, "zhao.viewer", role: .viewer, password: "viewer-pass-1")
            let browser = WebBrowser(env)
            try await browser.signIn("zhao.viewer", "viewer-pass-1")
            // when
            let list = try await browser.get("/contracts")
            let form = try await browser.get("/contracts/new")
            // then
            #expect(list.status == .ok)
            #expect(!list.html.contains("/contracts/new"))
            #expect(form.status == .forbidden)
            #expect(form.html.contains("没有权限"))
        }
    }
    @Test func aCustomerWithATakenNameIsRefusedNextToTheField() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            try await browser.signIn()
            _ = try await WebFixtures.customer(env, "南方电网物资有限公司")
            let form = try await browser.get("/customers/new")
            // when
            let dup = try await browser.post("/customers/new", [("csrf_token", form.csrf ?? ""), ("name", "南方电网物资有限公司")])
            let ok = try await browser.post("/customers/new", [("csrf_token", form.csrf ?? ""), ("name", "西部城建集团"), ("short_name", "西部城建")])
            let list = try await browser.get("/customers")
            // then
            #expect(dup.status == .conflict)
            #expect(dup.html.contains(#"id="e-name""#))
            #expect(dup.html.contains("已有同名客户"))
            #expect(ok.status == .seeOther)
            #expect(list.html.contains("西部城建集团"))
            #expect(try await Customer.query(on: env.db).count() == 2)
        }
    }

    @Test func aResponsibilityRowKeepsItsCollaboratingDepartments() async throws {
        try await withTestApp { env in
            // given
            let browser = WebBrowser(env)
            try await browser.signIn()
            let id = try await WebFixtures.contract(env)
            let departments = try await Department.query(on: env.db).sort(\.$code).all()
            let form = try await browser.get("/contracts/\(id)/responsibilities/new")
            // when
            let created = try await browser.post("/contracts/\(id)/responsibilities/new", [
                ("csrf_token", form.csrf ?? ""), ("department_id", departments[2].id!.uuidString), ("duty", "项目组负责按计划组织生产"),
                ("status", "pending"), ("collaborators", departments[0].id!.uuidString), ("collaborators", departments[4].id!.uuidString),
            ])
            let detail = try await browser.get("/contracts/\(id)")
            // then
            #expect(created.status == .seeOther)
            let row = try #require(try await Responsibility.query(on: env.db).first())
            #expect(Set(row.collaborators) == [departments[0].id!, departments[4].id!])
            #expect(detail.html.contains("\(departments[0].name)、\(departments[4].name)") ||
                    detail.html.contains("\(departments[4].name)、\(departments[0].name)"))
        }
    }

    @Test func anUnknownPageIsAFriendlyLocalizedError() async throws {
        try await withTestApp { env in
            let browser = WebBrowser(env)
            try await browser.signIn()
            let page = try await browser.get("/contracts/00000000-0000-7000-8000-00000000ffff")
            #expect(page.status == .notFound)
            #expect(page.html.contains("未找到"))
            #expect(page.html.contains("退出登录"), "the layout, with the signed-in user, is still there")
        }
    }
}
