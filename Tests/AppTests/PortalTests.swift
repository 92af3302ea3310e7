@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Customer portal: isolation between customers")
struct PortalTests {
    struct World {
        var contractA: String
        var contractB: String
        var milestoneB: UUID
        var customerB: UUID
    }

    static func world(_ env: TestEnv) async throws -> World {
        let a = try await env.makeContract(number: "HT-A-001", customerName: "甲方精密机械")
        let b = try await env.makeContract(number: "HT-B-001", customerName: "乙方建设集团")
        let contractA = try #require(try await Contract.find(UUID(uuidString: a)!, on: env.db))
        let contractB = try #require(try await Contract.find(UUID(uuidString: b)!, on: env.db))
        _ = try await SecurityFixtures.person(env, "kehu.a", role: .customerContact, customer: contractA.$customer.id)
        _ = try await SecurityFixtures.person(env, "kehu.b", role: .customerContact, customer: contractB.$customer.id)
        let milestoneB = try await SecurityFixtures.milestone(env, contract: contractB.id!, name: "乙方节点")
        return World(contractA: a, contractB: b, milestoneB: milestoneB, customerB: contractB.$customer.id)
    }

    @Test func customerContactLandsOnThePortalAndSeesOnlyItsContracts() async throws {
        try await withTestApp { env in
            // given
            let w = try await Self.world(env)
            let browser = WebBrowser(env)
            // when
            let signedIn = try await browser.signIn("kehu.a", SecurityFixtures.password, next: "/contracts")
            // then
            #expect(signedIn.location == PortalPaths.home.path)
            let home = try await browser.get("/portal")
            #expect(home.status == .ok)
            #expect(home.html.contains("HT-A-001"))
            #expect(!home.html.contains("HT-B-001"))
            // a list filter does not widen the scope
            let filtered = try await browser.get("/portal?customer_id=\(w.customerB.uuidString)")
            #expect(!filtered.html.contains("HT-B-001"))
            #expect(try await browser.get("/portal/contracts/\(w.contractA)").status == .ok)
            #expect(try await browser.get("/portal/contracts/\(w.contractA)?lang=en").html.contains("Fulfilment milestones"))
        }
    }

    @Test func anotherCustomersRecordsAreNotFoundByIdNorThroughStaffRoutes() async throws {
        try await withTestApp { env in
            let w = try await Self.world(env)
            let png = try await SecurityFixtures.upload(env, "/milestones/\(w.milestoneB.uuidString)/attachments?filename=inspection.png", SecurityFixtures.png)
            #expect(png.status == .created)
            let browser = try await SecurityFixtures.browser(env, "kehu.a")
            let ownBrowser = try await SecurityFixtures.browser(env, "kehu.b")
            // by id: 404, as if it did not exist
            #expect(try await browser.get("/portal/contracts/\(w.contractB)").status == .notFound)
            #expect(try await browser.get("/portal/attachments/\(png.id)").status == .notFound)
            #expect(try await ownBrowser.get("/portal/attachments/\(png.id)").status == .ok, "its own customer may download it")
            // staff pages and exports: sent back to the portal or refused
            #expect(try await browser.get("/contracts/\(w.contractB)").location == PortalPaths.home.path)
            #expect(try await browser.get("/milestones/\(w.milestoneB.uuidString)/attachments").location == PortalPaths.home.path)
            #expect(try await browser.get("/attachments/\(png.id)/download").location == PortalPaths.home.path)
            // the staff API: 403 everywhere, whatever the id or filter
            let user = try #require(try await User.query(on: env.db).filter(\.$username == "kehu.a").first())
            let token = try await AuthService.issueToken(env.app, user: user, name: "t", expiresInHours: nil).token
            for path in ["/contracts", "/contracts?customer_id=\(w.customerB.uuidString)", "/contracts/\(w.contractB)",
                         "/attachments/\(png.id)", "/attachments/\(png.id)/content", "/dashboard", "/audit"] {
                #expect(try await env.api(.GET, path, token: token).status == .forbidden, "\(path)")
            }
            #expect(try await env.api(.GET, "/me", token: token).status == .ok)
            // hidden denials are logged too: one event per route (2 portal pages, 6 API routes), the filtered list's
            // repeat of /contracts counted once the minute is over
            #expect(try await SecurityFixtures.securityEvents(env, "permission.denied").count == 8)
            #expect(try await SecurityFixtures.repeatedDenialCounts(env) == ["1"])
        }
    }

    @Test func staffAreKeptOutOfThePortal() async throws {
        try await withTestApp { env in
            let browser = try await SecurityFixtures.browser(env, "admin")
            #expect(try await browser.get("/portal").location == SitePath.contracts.path)
        }
    }

    /// The service pages: a contact submits a request and follows it; the other customer cannot see or touch it.
    @Test func serviceRequestsStayWithTheirCustomer() async throws {
        try await withTestApp { env in
            // given
            let w = try await Self.world(env)
            let a = try await SecurityFixtures.browser(env, "kehu.a")
            let b = try await SecurityFixtures.browser(env, "kehu.b")
            let form = try await a.get(PortalServicePaths.newRequest.path)
            #expect(form.status == .ok)
            #expect(form.html.contains("HT-A-001") && !form.html.contains("HT-B-001"))
            // when
            let created = try await a.post(PortalServicePaths.requests.path, [
                ("csrf_token", form.csrf ?? ""), ("contract_id", w.contractA), ("type", "fault_repair"), ("urgency", "urgent"),
                ("title", "主轴异响<script>x</script>"), ("description", "设备运行时主轴有异响"),
            ])
            // then
            #expect(created.status == .seeOther, "\(created.status) \(created.html.prefix(400))")
            let location = try #require(created.location?.split(separator: "?").first.map(String.init))
            let detail = try await a.get(location)
            #expect(detail.status == .ok)
            #expect(detail.html.contains("主轴异响&lt;script&gt;"))
            // issue #8: the customer reads what they wrote, never the stored record (ids, engineer, internal columns)
            #expect(detail.html.contains("设备运行时主轴有异响"))
            #expect(!detail.html.contains("service_requests_"), "the request's database row leaked into the page")
            #expect(try await a.get(PortalServicePaths.requests.path).html.contains("主轴异响"))
            #expect(try await b.get(location).status == .notFound, "another customer's request does not exist for them")
            #expect(!(try await b.get(PortalServicePaths.requests.path).html.contains("主轴异响")))
            let bForm = try await b.get(PortalServicePaths.newRequest.path)
            #expect(try await b.post(location + "/objection", [("csrf_token", bForm.csrf ?? ""), ("description", "x")]).status == .notFound)
            // a request cannot be filed on another customer's contract
            let onB = try await a.post(PortalServicePaths.requests.path, [
                ("csrf_token", form.csrf ?? ""), ("contract_id", w.contractB), ("type", "consultation"), ("urgency", "normal"),
                ("title", "x"), ("description", "y"),
            ])
            #expect(onB.status == .notFound)
            let request = try #require(try await ServiceRequest.query(on: env.db).first())
            #expect(request.channel == .portal)
        }
    }
}

@Suite("Customer portal: service plans and start notices")
struct PortalNoticeTests {
    @Test func customersReadTheirOwnStartNoticeOnly() async throws {
        try await withTestApp { env in
            // given: a service plan on each customer's contract
            let w = try await PortalTests.world(env)
            let planA = try await env.api(.POST, "/contracts/\(w.contractA)/service-plan", json: ["warranty_start": "2026-03-01", "contact_name": "刘洋"])
            let planB = try await env.api(.POST, "/contracts/\(w.contractB)/service-plan", json: ["warranty_start": "2026-03-01", "contact_name": "刘洋"])
            #expect(planA.status == .created)
            #expect(planB.status == .created)
            let browser = try await SecurityFixtures.browser(env, "kehu.a")
            // when
            let contract = try await browser.get("/portal/contracts/\(w.contractA)")
            let own = try await browser.get("/portal/plans/\(planA.id)/notice")
            let other = try await browser.get("/portal/plans/\(planB.id)/notice")
            // then
            #expect(contract.html.contains("/portal/plans/\(planA.id.lowercased())/notice"))
            #expect(contract.html.contains("2026-03-01 – 2027-02-28"))
            #expect(own.status == .ok)
            #expect(own.html.contains("HT-A-001"))
            #expect(other.status == .notFound)
        }
    }
}

@Suite("Customer portal: one-time sign-in links")
struct PortalSignInLinkTests {
    @Test func aLinkSignsInOnceWithinADay() async throws {
        try await withTestApp { env in
            // given
            _ = try await PortalTests.world(env)
            let contact = try #require(try await User.query(on: env.db).filter(\.$username == "kehu.a").first())
            let admin = try #require(try await User.query(on: env.db).filter(\.$username == "admin").first())
            let issued = try await env.api(.POST, "/users/\(contact.id!.uuidString)/sign-in-link")
            #expect(issued.status == .created)
            let url = try #require(issued.string("url"))
            let path = String(url[url.range(of: "/portal/link/")!.lowerBound...])
            // when: the page is opened (a GET changes nothing), then used
            let browser = WebBrowser(env)
            let page = try await browser.get(path)
            #expect(page.status == .ok)
            let again = try await browser.get(path)
            let used = try await browser.post(path, [("csrf_token", again.csrf ?? "")])
            // then
            #expect(used.location == PortalPaths.home.path)
            let home = try await browser.get("/portal")
            #expect(home.html.contains("HT-A-001"))
            let second = WebBrowser(env)
            let form = try await second.get(path)
            let refused = try await second.post(path, [("csrf_token", form.csrf ?? "")])
            #expect(refused.status == .gone)
            #expect(try await second.get("/portal").location?.hasPrefix(SitePath.login.path) == true)
            // staff accounts never get a link; an expired link is refused
            #expect(try await env.api(.POST, "/users/\(admin.id!.uuidString)/sign-in-link").status == .conflict)
            let late = try await env.api(.POST, "/users/\(contact.id!.uuidString)/sign-in-link")
            let latePath = String(late.string("url")!.split(separator: "/", omittingEmptySubsequences: false).suffix(3).joined(separator: "/"))
            env.clock.advance(hours: 25)
            let third = WebBrowser(env)
            let lateForm = try await third.get("/" + latePath)
            #expect(try await third.post("/" + latePath, [("csrf_token", lateForm.csrf ?? "")]).status == .gone)
            // without the page's token nothing happens
            #expect(try await WebBrowser(env).post(path, []).status == .forbidden)
        }
    }
}
