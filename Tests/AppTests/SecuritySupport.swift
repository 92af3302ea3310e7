@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Fixtures for the access-control and security tests (issue #5).
enum SecurityFixtures {
    static let password = "river-lantern-77"

    struct Person {
        var id: UUID
        var username: String
        var token: String
    }

    /// A user with a role (and a department or customer), plus an API token.
    static func person(_ env: TestEnv, _ username: String, role: Role, department: String? = nil, customer: UUID? = nil,
                       password: String = password) async throws -> Person {
        var json: [String: Any] = ["username": username, "display_name": username, "password": password, "role": role.rawValue]
        if let department, let d = try await Department.query(on: env.db).filter(\.$code == department).first() {
            json["department_id"] = d.id!.uuidString
        }
        if let customer { json["customer_id"] = customer.uuidString }
        let request = try WebFixtures.decode(CreateUserRequest.self, json)
        let created = try await Writes.create(env.app, actor: .system, try await UserService.makeUser(env.app, request))
        let user = try #require(try await User.find(created.id, on: env.db))
        let token = try await AuthService.issueToken(env.app, user: user, name: "t", expiresInHours: nil).token
        return Person(id: created.id, username: username, token: token)
    }

    static func departmentID(_ env: TestEnv, _ code: String) async throws -> UUID {
        try #require(try await Department.query(on: env.db).filter(\.$code == code).first()?.id)
    }

    /// A milestone on a contract, written directly.
    static func milestone(_ env: TestEnv, contract: UUID, name: String = "原材料采购完成") async throws -> UUID {
        try await WebFixtures.child(env, MilestoneInput.self, contract: contract, ["name": name, "weight": 20, "planned_on": "2026-03-20"])
    }

    static let png: Data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(repeating: 7, count: 64)
    static let pdf: Data = Data("%PDF-1.4\n%\u{e2}\u{e3}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)

    /// A raw-body request (attachments) checked against the OpenAPI document like `env.api`.
    static func upload(_ env: TestEnv, _ path: String, _ data: Data, contentType: String = "application/octet-stream",
                       token: String? = nil) async throws -> APIResult {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token ?? env.adminToken)
        headers.replaceOrAdd(name: .contentType, value: contentType)
        var result: APIResult?
        try await env.app.testing().test(.POST, "/api/v1" + path, headers: headers, body: ByteBuffer(data: data)) { res async in
            result = APIResult(status: res.status, headers: res.headers, body: Data(res.body.readableBytesView))
        }
        for problem in SpecValidator.problems(method: "POST", path: path, status: Int(result!.status.code), body: result!.body) {
            Issue.record("OpenAPI drift: \(problem)")
        }
        return result!
    }

    /// Signs a browser in with a fresh session for `username` (no password round trip).
    static func browser(_ env: TestEnv, _ username: String) async throws -> WebBrowser {
        let user = try #require(try await User.query(on: env.db).filter(\.$username == username).first())
        let token = try await WebSessionService.start(env.app, user: user, replacing: nil)
        let browser = WebBrowser(env)
        browser.cookies[WebCookies.session] = token
        return browser
    }

    /// Ends the current minute and lets the sweep write the counts of repeated denials; returns each event's count.
    static func repeatedDenialCounts(_ env: TestEnv) async throws -> [String] {
        env.clock.advance(hours: 1.0 / 60)
        await DenialLimiter.flush(env.app)
        return try await securityEvents(env, "permission.denied.repeated").map { event in
            ((try? JSONDecoder().decode([String: String].self, from: Data((event.after ?? "{}").utf8))) ?? [:])["count"] ?? ""
        }
    }

    static func securityEvents(_ env: TestEnv, _ action: String) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: env.db).filter(\.$entityType == SecurityLog.entityType).filter(\.$action == action).all()
    }
}
