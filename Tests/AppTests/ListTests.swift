@testable import App
import Fluent
import Foundation
import LvyueCore
import Testing
import VaporTesting

/// The shared list mechanism (issue #8): search, sort, filters, pagination and empty states on the web lists, and the
/// dashboard counters that lead to lists showing the same numbers.
@Suite struct ListTests {
    /// Signed in as the admin, reading English pages.
    static func browser(_ env: TestEnv) async throws -> WebBrowser {
        let b = WebBrowser(env)
        b.acceptLanguage = "en"
        try await b.signIn()
        return b
    }

    /// The row order of `needles` in the page (each must appear once in the table).
    static func order(_ html: String, _ needles: [String]) -> [String] {
        let body = html.components(separatedBy: "<tbody>").dropFirst().joined()
        return needles.compactMap { n in body.range(of: n).map { (n, $0.lowerBound) } }.sorted { $0.1 < $1.1 }.map(\.0)
    }

    static func contract(_ env: TestEnv, _ number: String, _ title: String, customer: String, status: String, amount: String) async throws {
        let r = try await env.api(.POST, "/contracts", json: [
            "number": number, "title": title, "customer_id": customer, "category": "manufacturing", "amount": amount,
            "starts_on": "2026-03-01", "ends_on": "2026-09-30", "status": status,
        ])
        #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
    }

    static func alert(_ env: TestEnv, _ title: String, contract: UUID?, level: AlertLevel, status: AlertStatus, hoursAgo: Double) async throws {
        let a = Alert()
        a.id = env.app.deps.newID()
        a.source = .milestone
        a.sourceID = env.app.deps.newID()
        a.conditionKey = "test." + title
        a.firingSeq = 1
        a.contractID = contract
        a.level = level
        a.title = title
        a.reason = "reason of " + title
        a.status = status
        a.firedAt = env.clock.now.addingTimeInterval(-hoursAgo * 3600)
        a.version = 1
        try await a.create(on: env.db)
    }

    // MARK: - Contracts

    @Test func contractsSortSearchAndFilterInSQL() async throws {
        try await withTestApp { env in
            // given: three contracts of two customers
            let a = try await env.makeCustomer("甲方机械")
            let b = try await env.makeCustomer("乙方电气")
            try await Self.contract(env, "HT-L-001", "Alpha pump line", customer: a, status: "active", amount: "300.00")
            try await Self.contract(env, "HT-L-002", "Beta valve set", customer: b, status: "draft", amount: "100.00")
            try await Self.contract(env, "HT-L-003", "Gamma pump spares", customer: a, status: "active", amount: "200.00")
            let browser = try await Self.browser(env)
            let all = ["HT-L-001", "HT-L-002", "HT-L-003"]

            // when / then: default order is by number
            let plain = try await browser.get("/contracts")
            #expect(Self.order(plain.html, all) == ["HT-L-001", "HT-L-002", "HT-L-003"])
            #expect(plain.html.contains("1–3 of 3"))
            #expect(plain.html.contains(#"aria-sort="ascending""#))

            // sort by amount, descending, and back
            let byAmount = try await browser.get("/contracts?sort=-amount")
            #expect(Self.order(byAmount.html, all) == ["HT-L-001", "HT-L-003", "HT-L-002"])
            #expect(byAmount.html.contains(#"aria-sort="descending""#))
            #expect(byAmount.html.contains(#"href="/contracts?sort=amount""#), "the active header flips the direction")
            let byAmountUp = try await browser.get("/contracts?sort=amount")
            #expect(Self.order(byAmountUp.html, all) == ["HT-L-002", "HT-L-003", "HT-L-001"])

            // search hits number and title
            let pump = try await browser.get("/contracts?q=pump")
            #expect(Self.order(pump.html, all) == ["HT-L-001", "HT-L-003"])
            #expect(pump.html.contains("1–2 of 2"))
            #expect(pump.html.contains(#"value="pump""#), "the search box keeps the text")
            let byNumber = try await browser.get("/contracts?q=L-002")
            #expect(Self.order(byNumber.html, all) == ["HT-L-002"])

            // filters, combined with search and sort; links keep the other parameters
            let draft = try await browser.get("/contracts?status=draft")
            #expect(Self.order(draft.html, all) == ["HT-L-002"])
            let customerA = try await browser.get("/contracts?customer_id=\(a)&sort=-number")
            #expect(Self.order(customerA.html, all) == ["HT-L-003", "HT-L-001"])
            #expect(customerA.html.contains("href=\"/contracts?customer_id=\(a)&amp;sort=amount\""), "headers keep the filter")
            let monitored = try await browser.get("/contracts?status=monitored&q=pump")
            #expect(monitored.html.contains("1–2 of 2"))
        }
    }

    @Test func badListParametersAreIgnoredWithAMessageNeverA500() async throws {
        try await withTestApp { env in
            let a = try await env.makeCustomer("甲方机械")
            try await Self.contract(env, "HT-L-001", "Alpha pump line", customer: a, status: "active", amount: "300.00")
            let browser = try await Self.browser(env)
            for path in ["/contracts?sort=title;drop", "/contracts?sort=-", "/contracts?status=bogus", "/contracts?page=0", "/contracts?page=x",
                         "/contracts?customer_id=not-an-id", "/alerts?level=purple", "/service?sort=nope", "/escalations?status=%27"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.html.contains(#"class="banner list-notice""#), "\(path) says what it ignored")
            }
            let bad = try await browser.get("/contracts?status=bogus")
            #expect(bad.html.contains("1–1 of 1"), "an ignored filter does not narrow")
            #expect(bad.html.contains("The value given for “Status” is not one of its choices and was ignored."))
        }
    }

    @Test func emptyStatesSayWhatToDoNext() async throws {
        try await withTestApp { env in
            let browser = try await Self.browser(env)
            // no contracts at all: create the first
            let none = try await browser.get("/contracts")
            #expect(none.html.contains("No contracts yet — create the first contract."))
            #expect(none.html.contains(#"<a class="btn btn-primary" href="/contracts/new">"#))
            #expect(!none.html.contains("Nothing matches"))
            // some contracts, none matching: clear the filters
            let a = try await env.makeCustomer("甲方机械")
            try await Self.contract(env, "HT-L-001", "Alpha pump line", customer: a, status: "active", amount: "300.00")
            let nothing = try await browser.get("/contracts?q=zzz&status=closed")
            #expect(nothing.html.contains("Nothing matches — clear the filters to see every row."))
            #expect(nothing.html.contains(#"<a class="btn" href="/contracts">Clear the filters</a>"#))
            #expect(!nothing.html.contains("No contracts yet"))
            // the service desk and the alerts have their own first step
            let desk = try await browser.get("/service")
            #expect(desk.html.contains("No service requests yet — record the first one below."))
            #expect(desk.html.contains(##"href="#new-request""##))
            let alerts = try await browser.get("/alerts")
            #expect(alerts.html.contains("No alerts — nothing has fired."))
        }
    }

    @Test func customersPageFiftyAtATimeWithPreviousAndNext() async throws {
        try await withTestApp { env in
            // given: 51 customers named K-00 … K-50
            for i in 0...50 { _ = try await env.makeCustomer(String(format: "K-%02d", i)) }
            let browser = try await Self.browser(env)
            // when
            let first = try await browser.get("/customers?q=K-")
            let second = try await browser.get("/customers?q=K-&page=2")
            let reversed = try await browser.get("/customers?q=K-&sort=-name")
            // then
            #expect(first.html.contains("1–50 of 51"))
            #expect(first.html.contains(">K-49<") && !first.html.contains(">K-50<"))
            #expect(first.html.contains(#"href="/customers?q=K-&amp;page=2" rel="next""#))
            #expect(!first.html.contains(#"rel="prev""#))
            #expect(second.html.contains("51–51 of 51"))
            #expect(second.html.contains(">K-50<") && !second.html.contains(">K-49<"))
            #expect(second.html.contains(#"href="/customers?q=K-" rel="prev""#))
            #expect(!second.html.contains(#"rel="next""#))
            #expect(Self.order(reversed.html, [">K-50<", ">K-49<", ">K-00<"]) == [">K-50<", ">K-49<"], "K-00 is on page 2 when descending")
        }
    }

    // MARK: - Service desk

    @Test func serviceDeskSortsByDeadlineSearchesAndFilters() async throws {
        try await withTestApp { env in
            // given: an urgent and a normal fault and a consultation, received in that order
            let (contract, _, _) = try await env.servicePlan()
            var numbers: [String] = []
            for (title, urgency, type) in [("Spindle stalls", "urgent", "fault_repair"), ("Coolant leak", "normal", "fault_repair"),
                                           ("Programming question", "normal", "consultation")] {
                let r = try await env.api(.POST, "/service-requests", json: [
                    "contract_id": contract, "type": type, "urgency": urgency, "remote_solvable": false, "channel": "phone",
                    "title": title, "description": "设备问题：" + title,
                ])
                #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
                numbers.append(r.string("number") ?? "")
            }
            let browser = try await Self.browser(env)
            // when
            let queue = try await browser.get("/service")
            let byNumberDesc = try await browser.get("/service?sort=-number")
            let urgent = try await browser.get("/service?urgency=urgent")
            let found = try await browser.get("/service?q=coolant")
            let consult = try await browser.get("/service?type=consultation&status=")
            let closed = try await browser.get("/service?status=closed")
            // then: the nearest deadline first — the urgent request's confirmation clock is the shortest
            let ordered = Self.order(queue.html, numbers)
            #expect(ordered.count == 3 && ordered.first == numbers[0])
            #expect(queue.html.contains("1–3 of 3"))
            #expect(Self.order(byNumberDesc.html, numbers) == numbers.reversed())
            #expect(Self.order(urgent.html, numbers) == [numbers[0]])
            #expect(Self.order(found.html, numbers) == [numbers[1]])
            #expect(Self.order(consult.html, numbers) == [numbers[2]])
            #expect(closed.html.contains("Nothing matches"))
            #expect(urgent.html.contains(#"<option value="urgent" selected>"#))
        }
    }

    // MARK: - Alerts and the dashboard

    @Test func alertsFilterByStatusLevelAndSubject() async throws {
        try await withTestApp { env in
            let contract = try #require(UUID(uuidString: try await env.makeContract()))
            try await Self.alert(env, "Red one", contract: contract, level: .breach, status: .open, hoursAgo: 1)
            try await Self.alert(env, "Amber one", contract: contract, level: .warning, status: .acknowledged, hoursAgo: 2)
            try await Self.alert(env, "Old red", contract: contract, level: .breach, status: .resolved, hoursAgo: 3)
            try await Self.alert(env, "Loose amber", contract: nil, level: .warning, status: .open, hoursAgo: 4)
            let browser = try await Self.browser(env)
            let titles = ["Red one", "Amber one", "Old red", "Loose amber"]
            // default: not resolved, newest first
            let open = try await browser.get("/alerts")
            #expect(Self.order(open.html, titles) == ["Red one", "Amber one", "Loose amber"])
            let all = try await browser.get("/alerts?status=&sort=fired_at")
            #expect(Self.order(all.html, titles) == ["Loose amber", "Old red", "Amber one", "Red one"])
            let red = try await browser.get("/alerts?level=breach")
            #expect(Self.order(red.html, titles) == ["Red one"])
            let aboutContract = try await browser.get("/alerts?about=contract")
            #expect(Self.order(aboutContract.html, titles) == ["Red one", "Amber one"])
            let searched = try await browser.get("/alerts?status=&q=red")
            #expect(Self.order(searched.html, titles) == ["Red one", "Old red"])
        }
    }

    /// Each linked counter's number equals the total of the list it leads to.
    @Test func dashboardCountersLeadToListsWithTheSameNumbers() async throws {
        try await withTestApp { env in
            // given
            let c1 = try await env.makeContract(number: "HT-D-001", customerName: "客户一")
            let c2 = try await env.makeContract(number: "HT-D-002", customerName: "客户二")
            let id1 = try #require(UUID(uuidString: c1)), id2 = try #require(UUID(uuidString: c2))
            let draft = try await env.makeCustomer("客户三")
            try await Self.contract(env, "HT-D-003", "Not signed yet", customer: draft, status: "draft", amount: "10.00")
            // A fourth contract has a late milestone (which fires a red alert of its own) and an overdue payment.
            let c4 = try await env.makeContract(number: "HT-D-004", customerName: "客户四")
            _ = try await env.milestone(c4, planned: "2026-03-01")
            #expect(try await env.api(.POST, "/contracts/\(c4)/payments", json: ["name": "预付款", "amount_due": "10.00", "due_on": "2026-03-01"]).status == .created)
            try await Self.alert(env, "A1", contract: id1, level: .breach, status: .open, hoursAgo: 1)
            try await Self.alert(env, "A2", contract: id2, level: .breach, status: .acknowledged, hoursAgo: 2)
            try await Self.alert(env, "A3", contract: id2, level: .warning, status: .open, hoursAgo: 3)
            try await Self.alert(env, "A4", contract: id1, level: .breach, status: .resolved, hoursAgo: 4)
            try await Self.alert(env, "A5", contract: nil, level: .breach, status: .open, hoursAgo: 5)
            for (contract, text) in [(c1, "Spindle broken"), (c2, "Late delivery")] {
                let r = try await env.api(.POST, "/escalations", json: ["contract_id": contract, "description": text])
                #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
            }
            let browser = try await Self.browser(env)
            // when
            let dashboard = try await browser.get("/dashboard")
            // then: the hand-counted numbers, and the same totals on the linked lists
            let expected: [(link: String, count: Int)] = [
                (DashboardLinks.monitoredContracts, 3), (DashboardLinks.openAlerts, 4), (DashboardLinks.redAlerts, 3),
                (DashboardLinks.openEscalations, 2), (DashboardLinks.lateMilestones, 1), (DashboardLinks.overduePayments, 1),
            ]
            for (link, count) in expected {
                let escaped = link.replacingOccurrences(of: "&", with: "&amp;")
                let pattern = "href=\"\(escaped)\"><span class=\"counter-value\">\(count)</span>"
                #expect(dashboard.html.contains(pattern), "counter \(link) shows \(count)")
                let list = try await browser.get(link)
                #expect(list.html.contains("1–\(count) of \(count)"), "list \(link) totals \(count)")
            }
        }
    }
}
