@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Permissions: role × action × resource, contract scope")
struct PermissionMatrixTests {
    /// The README's table is the code's matrix (regenerate with `Permissions.markdownTable()` when this fails).
    @Test func readmeTableMatchesTheMatrix() throws {
        let readme = try String(contentsOfFile: #filePath.components(separatedBy: "/Tests/")[0] + "/README.md", encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- permissions:begin -->\n"))
        let end = try #require(readme.range(of: "\n<!-- permissions:end -->"))
        let table = String(readme[begin.upperBound..<end.lowerBound])
        #expect(table == Permissions.markdownTable(), "README permission table is stale; expected:\n\(Permissions.markdownTable())")
    }

    struct Case: Sendable {
        var resource: Resource
        var action: Action
        var method: HTTPMethod
        var path: @Sendable (Ctx) -> String
        var body: @Sendable (Ctx, String) -> [String: Any?]?
    }

    struct Ctx: Sendable {
        var contract: String
        var milestone: String
        var customer: String
    }

    /// One representative route per (resource, action) the API offers, with a body that succeeds when allowed.
    static let cases: [Case] = [
        Case(resource: .department, action: .read, method: .GET, path: { _ in "/departments" }, body: { _, _ in nil }),
        Case(resource: .department, action: .create, method: .POST, path: { _ in "/departments" },
             body: { _, tag in ["code": "d-\(tag)", "name": "部门 \(tag)"] }),
        Case(resource: .user, action: .read, method: .GET, path: { _ in "/users" }, body: { _, _ in nil }),
        Case(resource: .user, action: .create, method: .POST, path: { _ in "/users" },
             body: { _, tag in ["username": "u-\(tag)", "display_name": "u", "password": "quiet-meadow-81", "role": "viewer"] }),
        Case(resource: .customer, action: .read, method: .GET, path: { _ in "/customers" }, body: { _, _ in nil }),
        Case(resource: .customer, action: .create, method: .POST, path: { _ in "/customers" }, body: { _, tag in ["name": "客户 \(tag)"] }),
        Case(resource: .customer, action: .update, method: .PATCH, path: { "/customers/\($0.customer)" }, body: { _, tag in ["industry": "i-\(tag)"] }),
        Case(resource: .contract, action: .read, method: .GET, path: { "/contracts/\($0.contract)" }, body: { _, _ in nil }),
        Case(resource: .contract, action: .create, method: .POST, path: { _ in "/contracts" }, body: { ctx, tag in
            ["number": "HT-\(tag)", "title": "合同", "customer_id": ctx.customer, "category": "service", "amount": "10.00"] }),
        Case(resource: .contract, action: .update, method: .PATCH, path: { "/contracts/\($0.contract)" }, body: { _, tag in ["title": "合同 \(tag)"] }),
        Case(resource: .clause, action: .read, method: .GET, path: { "/contracts/\($0.contract)/clauses" }, body: { _, _ in nil }),
        Case(resource: .clause, action: .create, method: .POST, path: { "/contracts/\($0.contract)/clauses" },
             body: { _, tag in ["category": "delivery", "text": "条款 \(tag)"] }),
        Case(resource: .responsibility, action: .read, method: .GET, path: { "/contracts/\($0.contract)/responsibilities" }, body: { _, _ in nil }),
        Case(resource: .milestone, action: .read, method: .GET, path: { "/contracts/\($0.contract)/milestones" }, body: { _, _ in nil }),
        Case(resource: .milestone, action: .create, method: .POST, path: { "/contracts/\($0.contract)/milestones" },
             body: { _, tag in ["name": "节点 \(tag)", "weight": 1, "planned_on": "2026-04-01"] }),
        Case(resource: .milestone, action: .update, method: .PATCH, path: { "/milestones/\($0.milestone)" }, body: { _, tag in ["next_step": "n-\(tag)"] }),
        Case(resource: .payment, action: .read, method: .GET, path: { "/contracts/\($0.contract)/payments" }, body: { _, _ in nil }),
        Case(resource: .payment, action: .create, method: .POST, path: { "/contracts/\($0.contract)/payments" },
             body: { _, tag in ["name": "付款 \(tag)", "amount_due": "1.00", "due_on": "2026-05-01"] }),
        Case(resource: .audit, action: .read, method: .GET, path: { _ in "/audit" }, body: { _, _ in nil }),
        Case(resource: .calendar, action: .read, method: .GET, path: { _ in "/calendars" }, body: { _, _ in nil }),
        Case(resource: .risk, action: .read, method: .GET, path: { "/contracts/\($0.contract)/risks" }, body: { _, _ in nil }),
        Case(resource: .alert, action: .read, method: .GET, path: { _ in "/alerts" }, body: { _, _ in nil }),
        Case(resource: .escalation, action: .read, method: .GET, path: { _ in "/escalations" }, body: { _, _ in nil }),
        Case(resource: .notificationChannel, action: .read, method: .GET, path: { _ in "/notification-channels" }, body: { _, _ in nil }),
        Case(resource: .contractTeam, action: .read, method: .GET, path: { "/contracts/\($0.contract)/team" }, body: { _, _ in nil }),
        Case(resource: .attachment, action: .read, method: .GET, path: { "/milestones/\($0.milestone)/attachments" }, body: { _, _ in nil }),
    ]

    /// Every role against every route group: allowed → 2xx, denied → 403 (the customer contact: 403 on the whole
    /// staff API). Each staff user is on the contract's team, so only the role decides here; scope is tested below.
    @Test func everyRoleAgainstEveryRouteGroup() async throws {
        try await withTestApp { env in
            // given
            let contract = try await env.makeContract()
            let contractRow = try #require(try await Contract.find(UUID(uuidString: contract)!, on: env.db))
            let ctx = Ctx(contract: contract, milestone: try await SecurityFixtures.milestone(env, contract: UUID(uuidString: contract)!).uuidString,
                          customer: contractRow.$customer.id.uuidString)
            var people: [(Role, SecurityFixtures.Person)] = []
            for role in Role.allCases {
                let person = try await SecurityFixtures.person(env, "p-\(role.rawValue)", role: role,
                                                               customer: role == .customerContact ? contractRow.$customer.id : nil)
                if role != .customerContact {
                    try await env.api(.POST, "/contracts/\(contract)/team", json: ["user_id": person.id.uuidString])
                }
                people.append((role, person))
            }
            // when / then
            var n = 0
            for (role, person) in people {
                for c in Self.cases {
                    n += 1
                    let expected = Permissions.allows(role, c.action, c.resource)
                    let r = try await env.api(c.method, c.path(ctx), json: c.body(ctx, "\(n)"), token: person.token)
                    if expected {
                        #expect((200..<300).contains(Int(r.status.code)),
                                "\(role.rawValue) \(c.action.rawValue) \(c.resource.rawValue): \(r.status) \(String(decoding: r.body, as: UTF8.self))")
                    } else {
                        #expect(r.status == .forbidden, "\(role.rawValue) \(c.action.rawValue) \(c.resource.rawValue): \(r.status)")
                    }
                }
            }
        }
    }

    /// Legal leads the clause-by-clause reading: whoever enters a contract joins its team and may record its clauses.
    @Test func theCreatorOfAContractIsOnItsTeam() async throws {
        try await withTestApp { env in
            // given a legal user from the legal department, on no team
            let legal = try await SecurityFixtures.person(env, "wang.fang", role: .legal, department: "legal")
            let customer = try await env.makeCustomer("华东精密机械有限公司")
            // when they enter a contract and then its first clause
            let contract = try await env.api(.POST, "/contracts", json: ["number": "HT-2026-009", "title": "设备维保合同", "customer_id": customer,
                                                                         "category": "service", "amount": "10.00"], token: legal.token)
            #expect(contract.status == .created)
            let clause = try await env.api(.POST, "/contracts/\(contract.id)/clauses", json: ["category": "delivery", "text": "交货期30天"],
                                           token: legal.token)
            // then the clause is recorded, and the team shows them as its creator
            #expect(clause.status == .created, "\(String(decoding: clause.body, as: UTF8.self))")
            let team = try await env.api(.GET, "/contracts/\(contract.id)/team").items
            #expect(team.count == 1)
            #expect(team.first?["user_id"] as? String == legal.id.uuidString.lowercased())
            #expect(team.first?["role_on_contract"] as? String == "creator")
            // a manager who creates a contract writes everywhere anyway: no team row is added
            let other = try await env.makeContract(number: "HT-2026-010", customerName: "杭州东信自动化有限公司")
            #expect(try await env.api(.GET, "/contracts/\(other)/team").items.isEmpty)
        }
    }

    /// Department staff write only on their contracts; managers everywhere; reads open to staff.
    @Test func departmentStaffWriteOnlyOnTheirContracts() async throws {
        try await withTestApp { env in
            // given: a contract whose team is empty, a project engineer from the project department, a manager
            let contract = try await env.makeContract()
            let milestone = try await SecurityFixtures.milestone(env, contract: UUID(uuidString: contract)!)
            let project = try await SecurityFixtures.person(env, "li.qiang", role: .project, department: "project")
            let finance = try await SecurityFixtures.person(env, "chen.jing", role: .finance, department: "finance")
            let manager = try await SecurityFixtures.person(env, "zhou.min", role: .manager)
            // when / then: not on the team — may read, may not write
            #expect(try await env.api(.GET, "/milestones/\(milestone)", token: project.token).status == .ok)
            let refused = try await env.api(.PATCH, "/milestones/\(milestone)", json: ["next_step": "催料"], token: project.token)
            #expect(refused.status == .forbidden)
            #expect(try await env.api(.POST, "/milestones/\(milestone)/updates", json: ["progress": 50], token: project.token).status == .forbidden)
            #expect(try await env.api(.PATCH, "/milestones/\(milestone)", json: ["next_step": "x"], token: manager.token).status == .ok)
            // the project department joins the team: its staff may now write; finance still may not
            let dept = try await SecurityFixtures.departmentID(env, "project")
            let member = try await env.api(.POST, "/contracts/\(contract)/team", json: ["department_id": dept.uuidString, "role_on_contract": "交付"])
            #expect(member.status == .created)
            #expect(try await env.api(.PATCH, "/milestones/\(milestone)", json: ["next_step": "催料"], token: project.token).status == .ok)
            #expect(try await env.api(.POST, "/contracts/\(contract)/payments",
                                      json: ["name": "预付款", "amount_due": "1.00", "due_on": "2026-05-01"], token: finance.token).status == .forbidden)
            // the responsible department counts as a member
            #expect(try await env.api(.PATCH, "/contracts/\(contract)", json: ["department_id": (try await SecurityFixtures.departmentID(env, "finance")).uuidString]).status == .ok)
            #expect(try await env.api(.POST, "/contracts/\(contract)/payments",
                                      json: ["name": "预付款", "amount_due": "1.00", "due_on": "2026-05-01"], token: finance.token).status == .created)
            // removing the team entry takes the right away again
            #expect(try await env.api(.DELETE, "/team-members/\(member.id)").status == .noContent)
            #expect(try await env.api(.PATCH, "/milestones/\(milestone)", json: ["next_step": "y"], token: project.token).status == .forbidden)
            // every refusal is in the security log: one event per route and minute, the repeat counted after the minute
            #expect(try await SecurityFixtures.securityEvents(env, "permission.denied").count == 3)
            #expect(try await SecurityFixtures.repeatedDenialCounts(env) == ["1"])
        }
    }

    /// The same scope applies to the staff pages.
    @Test func staffPagesApplyTheScope() async throws {
        try await withTestApp { env in
            let contract = try await env.makeContract()
            let milestone = try await SecurityFixtures.milestone(env, contract: UUID(uuidString: contract)!)
            _ = try await SecurityFixtures.person(env, "li.qiang", role: .project, department: "project")
            let browser = try await SecurityFixtures.browser(env, "li.qiang")
            let page = try await browser.get("/milestones/\(milestone)")
            #expect(page.status == .ok)
            let posted = try await browser.post("/milestones/\(milestone)/progress", [("csrf_token", page.csrf ?? ""), ("progress", "40")])
            #expect(posted.status == .forbidden)
        }
    }
}
