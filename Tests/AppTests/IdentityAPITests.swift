@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Departments, users, customers")
struct IdentityAPITests {
    @Test func departmentsAndUsers() async throws {
        try await withTestApp { env in
            let d = try await env.api(.POST, "/departments", json: ["code": "quality", "name": "质量部"])
            #expect(d.status == .created)
            #expect(try await env.api(.POST, "/departments", json: ["code": "quality", "name": "重复"]).status == .conflict)
            #expect(try await env.api(.POST, "/departments", json: ["code": "bad code!", "name": ""]).errorFields.count == 2)

            let u = try await env.api(.POST, "/users", json: [
                "username": "wang.fang", "display_name": "王芳", "password": "s3cure-pass", "role": "legal", "department_id": d.id,
            ])
            #expect(u.status == .created)
            #expect(u["password_hash"] == nil)
            let dup = try await env.api(.POST, "/users", json: ["username": "wang.fang", "display_name": "x", "password": "s3cure-pass", "role": "legal"])
            #expect(dup.status == .conflict)
            let bad = try await env.api(.POST, "/users", json: ["username": "li", "display_name": "李", "password": "short", "role": "king"])
            #expect(bad.errorFields["password"] == "must be at least 8 characters")
            #expect(bad.errorFields["role"] != nil)

            // The new user can log in, and a legal user may not create departments.
            let token = try await env.api(.POST, "/auth/token", json: ["username": "wang.fang", "password": "s3cure-pass"], anonymous: true)
            let legalToken = try #require(token.string("token"))
            #expect(try await env.api(.POST, "/departments", json: ["code": "x", "name": "x"], token: legalToken).status == .forbidden)
            // Deactivated users' tokens stop working.
            #expect(try await env.api(.PATCH, "/users/\(u.id)", json: ["active": false]).status == .ok)
            #expect(try await env.api(.GET, "/me", token: legalToken).status == .unauthorized)
        }
    }

    @Test func customersAndContacts() async throws {
        try await withTestApp { env in
            let c = try await env.makeCustomer("南方电网物资公司")
            #expect(try await env.api(.POST, "/customers", json: ["name": "南方电网物资公司"]).status == .conflict)
            let contact = try await env.api(.POST, "/customers/\(c)/contacts", json: ["name": "陈经理", "phone": "13800000000", "email": "chen@example.cn"])
            #expect(contact.status == .created)
            let badEmail = try await env.api(.POST, "/customers/\(c)/contacts", json: ["name": "x", "email": "nope"])
            #expect(badEmail.errorFields["email"] == "is not an email address")
            #expect(try await env.api(.GET, "/customers/\(c)/contacts").items.count == 1)
            #expect(try await env.api(.PATCH, "/contacts/\(contact.id)", json: ["title": "采购经理"], ifMatch: "\"1\"").string("title") == "采购经理")
            _ = try await env.api(.POST, "/contracts", json: ["number": "HT-C", "title": "t", "customer_id": c, "category": "other", "amount": "1"])
            #expect(try await env.api(.DELETE, "/customers/\(c)").status == .conflict)
        }
    }
}
