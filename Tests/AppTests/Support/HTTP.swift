@testable import App
import Foundation
import Testing
import VaporTesting

/// Small JSON helpers over VaporTesting, so tests read as requests and expectations.
struct APIResult {
    var status: HTTPStatus
    var headers: HTTPHeaders
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorFields: [String: String] { ((json["error"] as? [String: Any])?["fields"] as? [String: String]) ?? [:] }
    var etag: String? { headers.first(name: .eTag) }
    subscript(_ key: String) -> Any? { json[key] }
    func string(_ key: String) -> String? { json[key] as? String }
    var id: String { json["id"] as? String ?? "" }
}

extension TestEnv {
    @discardableResult
    func api(_ method: HTTPMethod, _ path: String, json: [String: Any?]? = nil, raw: String? = nil,
             token: String? = nil, ifMatch: String? = nil, anonymous: Bool = false) async throws -> APIResult {
        var result: APIResult?
        var headers = HTTPHeaders()
        if !anonymous { headers.bearerAuthorization = BearerAuthorization(token: token ?? adminToken) }
        if let ifMatch { headers.replaceOrAdd(name: .ifMatch, value: ifMatch) }
        var body = ByteBuffer()
        if let json {
            let cleaned = json.mapValues { $0 ?? NSNull() }
            body.writeBytes(try JSONSerialization.data(withJSONObject: cleaned))
            headers.contentType = .json
        } else if let raw {
            body.writeString(raw)
            headers.contentType = .json
        }
        try await app.testing().test(method, "/api/v1" + path, headers: headers, body: body) { res async in
            result = APIResult(status: res.status, headers: res.headers, body: Data(res.body.readableBytesView))
        }
        for problem in SpecValidator.problems(method: method.rawValue, path: path, status: Int(result!.status.code), body: result!.body) {
            Issue.record("OpenAPI drift: \(problem)")
        }
        return result!
    }

    /// Creates a customer and returns its id.
    func makeCustomer(_ name: String = "华东精密机械有限公司") async throws -> String {
        let r = try await api(.POST, "/customers", json: ["name": name, "industry": "制造业"])
        #expect(r.status == .created)
        return r.id
    }

    /// Creates an active contract for a new customer and returns its id.
    func makeContract(number: String = "HT-2026-001", customerName: String = "华东精密机械有限公司") async throws -> String {
        let customer = try await makeCustomer(customerName)
        let r = try await api(.POST, "/contracts", json: [
            "number": number, "title": "数控机床供货合同", "customer_id": customer, "category": "manufacturing",
            "amount": "1250000.00", "starts_on": "2026-03-01", "ends_on": "2026-09-30", "status": "active",
        ])
        #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
        return r.id
    }
}
