@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Contracts API")
struct ContractAPITests {
    @Test func createReadUpdateContract() async throws {
        try await withTestApp { env in
            // given
            let customer = try await env.makeCustomer()
            // when
            let created = try await env.api(.POST, "/contracts", json: [
                "number": "HT-2026-001", "title": "数控机床供货合同", "customer_id": customer, "category": "manufacturing",
                "amount": "1250000.5", "currency": "CNY", "signed_on": "2026-02-20", "starts_on": "2026-03-01", "ends_on": "2026-09-30",
            ])
            // then
            #expect(created.status == .created)
            #expect(created.string("amount") == "1250000.50")
            #expect(created.string("status") == "draft")
            #expect(created["version"] as? Int == 1)
            #expect(created.etag == "\"1\"")
            let read = try await env.api(.GET, "/contracts/\(created.id)")
            #expect(read.status == .ok)
            #expect(read.string("number") == "HT-2026-001")
            #expect(read.string("customer_id") == customer)
            #expect(read.string("created_at")?.hasSuffix("+08:00") == true)

            let patched = try await env.api(.PATCH, "/contracts/\(created.id)", json: ["status": "active", "title": "数控机床供货合同（修订）"], ifMatch: "\"1\"")
            #expect(patched.status == .ok)
            #expect(patched.string("status") == "active")
            #expect(patched["version"] as? Int == 2)
            #expect(patched.etag == "\"2\"")
        }
    }

    @Test func unauthenticatedCallsAre401() async throws {
        try await withTestApp { env in
            let none = try await env.api(.GET, "/contracts", anonymous: true)
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "unauthorized")
            let bad = try await env.api(.GET, "/contracts", token: "not-a-token")
            #expect(bad.status == .unauthorized)
        }
    }

    @Test func tokenEndpointIssuesWorkingTokens() async throws {
        try await withTestApp { env in
            let wrong = try await env.api(.POST, "/auth/token", json: ["username": "admin", "password": "nope-nope"], anonymous: true)
            #expect(wrong.status == .unauthorized)
            let ok = try await env.api(.POST, "/auth/token", json: ["username": "admin", "password": testAdminPassword], anonymous: true)
            #expect(ok.status == .created)
            let token = try #require(ok.string("token"))
            #expect(ok.string("expires_at") != nil)
            let me = try await env.api(.GET, "/me", token: token)
            #expect(me.string("username") == "admin")
            // An expired token no longer works.
            env.clock.advance(hours: 24 * 31)
            #expect(try await env.api(.GET, "/me", token: token).status == .unauthorized)
        }
    }

    @Test func malformedJSONIs400() async throws {
        try await withTestApp { env in
            let r = try await env.api(.POST, "/contracts", raw: "{\"number\": \"HT-1\",")
            #expect(r.status == .badRequest)
            #expect(r.errorCode == "bad_request")
            let notObject = try await env.api(.POST, "/contracts", raw: "[1,2]")
            #expect(notObject.status == .badRequest)
        }
    }

    @Test func invalidFieldsAre422WithReasonsAndChangeNothing() async throws {
        try await withTestApp { env in
            let customer = try await env.makeCustomer()
            let r = try await env.api(.POST, "/contracts", json: [
                "number": "HT-BAD", "title": "", "customer_id": customer, "category": "spaceships",
                "amount": "-5", "starts_on": "2026-06-01", "ends_on": "2026-05-01", "update_cadence_days": 10,
            ])
            #expect(r.status == .unprocessableEntity)
            #expect(r.errorCode == "invalid")
            let f = r.errorFields
            #expect(f["title"] == "is required")
            #expect(f["category"]?.hasPrefix("must be one of") == true)
            #expect(f["amount"] == "must not be negative")
            #expect(f["ends_on"] == "must not be before starts_on")
            #expect(f["update_cadence_days"] != nil)
            let list = try await env.api(.GET, "/contracts")
            #expect(list.items.isEmpty)

            let wrongType = try await env.api(.POST, "/contracts", json: ["number": 5, "title": "x", "customer_id": customer, "category": "other", "amount": "1"])
            #expect(wrongType.status == .unprocessableEntity)
            #expect(wrongType.errorFields["number"] == "must be a string")

            let unknownCustomer = try await env.api(.POST, "/contracts", json: [
                "number": "HT-X", "title": "t", "customer_id": UUID().uuidString, "category": "other", "amount": "1",
            ])
            #expect(unknownCustomer.status == .unprocessableEntity)
            #expect(unknownCustomer.errorFields["customer_id"] == "no such record")

            let badMoney = try await env.api(.POST, "/contracts", json: [
                "number": "HT-Y", "title": "t", "customer_id": customer, "category": "other", "amount": "1.234", "starts_on": "2026-02-30",
            ])
            #expect(badMoney.errorFields["amount"] == "must have at most two decimal places")
            #expect(badMoney.errorFields["starts_on"] == "must be a date YYYY-MM-DD")
        }
    }

    @Test func duplicateNumberIs409() async throws {
        try await withTestApp { env in
            _ = try await env.makeContract(number: "HT-2026-009")
            let customer = try await env.makeCustomer("另一家客户")
            let r = try await env.api(.POST, "/contracts", json: [
                "number": "HT-2026-009", "title": "重复", "customer_id": customer, "category": "service", "amount": "10",
            ])
            #expect(r.status == .conflict)
            #expect(r.errorCode == "duplicate")
            #expect(r.errorFields["number"] != nil)
        }
    }

    @Test func unknownIdIs404() async throws {
        try await withTestApp { env in
            let unknown = try await env.api(.GET, "/contracts/\(UUID().uuidString)")
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "not_found")
            #expect(try await env.api(.GET, "/contracts/not-an-id").status == .notFound)
            #expect(try await env.api(.PATCH, "/milestones/\(UUID().uuidString)", json: ["name": "x"]).status == .notFound)
            #expect(try await env.api(.GET, "/no/such/route").status == .notFound)
        }
    }

    @Test func staleIfMatchIs412AndChangesNothing() async throws {
        try await withTestApp { env in
            let id = try await env.makeContract()
            #expect(try await env.api(.PATCH, "/contracts/\(id)", json: ["title": "第一次修改"], ifMatch: "\"1\"").status == .ok)
            let stale = try await env.api(.PATCH, "/contracts/\(id)", json: ["title": "基于旧版本的修改"], ifMatch: "\"1\"")
            #expect(stale.status == .preconditionFailed)
            #expect(stale.errorCode == "stale_version")
            let read = try await env.api(.GET, "/contracts/\(id)")
            #expect(read.string("title") == "第一次修改")
            #expect(try await env.api(.DELETE, "/contracts/\(id)", ifMatch: "\"1\"").status == .preconditionFailed)
        }
    }

    /// The body limit is enforced while the server reads the request, so this runs over a real socket.
    @Test func oversizedBodyIs413() async throws {
        try await withTestApp { env in
            let huge = String(repeating: "长", count: 600_000)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: env.adminToken)
            headers.contentType = .json
            let body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["number": "HT-BIG", "title": huge]))
            try await env.app.testing(method: .running(hostname: "127.0.0.1", port: 0)).test(.POST, "/api/v1/contracts", headers: headers, body: body) { res async in
                #expect(res.status == .payloadTooLarge)
                #expect(res.body.string.contains("payload_too_large"))
            }
            #expect(try await env.api(.GET, "/contracts").items.isEmpty)
        }
    }

    @Test func statusMovesOnlyForward() async throws {
        try await withTestApp { env in
            let id = try await env.makeContract()
            let back = try await env.api(.PATCH, "/contracts/\(id)", json: ["status": "draft"])
            #expect(back.status == .unprocessableEntity)
            #expect(back.errorFields["status"] == "cannot change from active to draft")
            #expect(try await env.api(.DELETE, "/contracts/\(id)").status == .conflict)
        }
    }

    @Test func listFiltersAndCursorPagination() async throws {
        try await withTestApp { env in
            let customer = try await env.makeCustomer()
            for i in 1...5 {
                let r = try await env.api(.POST, "/contracts", json: [
                    "number": "HT-\(i)", "title": i.isMultiple(of: 2) ? "运维服务" : "设备供货", "customer_id": customer,
                    "category": i.isMultiple(of: 2) ? "service" : "manufacturing", "amount": "\(i)000",
                ])
                #expect(r.status == .created)
            }
            let first = try await env.api(.GET, "/contracts?limit=2")
            #expect(first.items.map { $0["number"] as? String } == ["HT-1", "HT-2"])
            let cursor = try #require(first.string("next_cursor"))
            let second = try await env.api(.GET, "/contracts?limit=2&cursor=\(cursor)")
            #expect(second.items.map { $0["number"] as? String } == ["HT-3", "HT-4"])
            let services = try await env.api(.GET, "/contracts?category=service")
            #expect(services.items.count == 2)
            let search = try await env.api(.GET, "/contracts?q=%E8%BF%90%E7%BB%B4")  // 运维
            #expect(search.items.count == 2)
            #expect(try await env.api(.GET, "/contracts?limit=0").status == .unprocessableEntity)
            #expect(try await env.api(.GET, "/contracts?status=flying").status == .unprocessableEntity)
            #expect(try await env.api(.GET, "/contracts?cursor=zzz").status == .unprocessableEntity)
        }
    }
}

@Suite("PATCH semantics")
struct PatchSemanticsTests {
    /// An absent field is left alone; an explicit null clears it.
    @Test func absentKeepsNullClears() async throws {
        try await withTestApp { env in
            let id = try await env.makeContract()
            _ = try await env.api(.PATCH, "/contracts/\(id)", json: ["description": "含安装调试", "signed_on": "2026-02-20"])
            let untouched = try await env.api(.PATCH, "/contracts/\(id)", json: ["title": "新标题"])
            #expect(untouched.string("description") == "含安装调试")
            #expect(untouched.string("signed_on") == "2026-02-20")
            let cleared = try await env.api(.PATCH, "/contracts/\(id)", json: ["description": nil, "signed_on": nil])
            #expect(cleared["description"] == nil)
            #expect(cleared["signed_on"] == nil)
            #expect(cleared.string("title") == "新标题")
            let required = try await env.api(.PATCH, "/contracts/\(id)", json: ["title": nil])
            #expect(required.errorFields["title"] == "is required")
        }
    }
}
