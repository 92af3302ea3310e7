@testable import App
import Crypto
import Foundation
import NIOConcurrencyHelpers
import Testing
import VaporTesting

/// Outbound HTTP that records every request and answers 200 (or what `respond` says).
final class CapturingOutbound: OutboundHTTP, Sendable {
    private let box = NIOLockedValueBox<[OutboundRequest]>([])
    private let statusBox = NIOLockedValueBox<Int>(200)

    var requests: [OutboundRequest] { box.withLockedValue { $0 } }
    func respond(_ status: Int) { statusBox.withLockedValue { $0 = status } }

    func post(_ request: OutboundRequest) async throws -> OutboundResponse {
        box.withLockedValue { $0.append(request) }
        let status = statusBox.withLockedValue { $0 }
        return OutboundResponse(status: status, body: Data(#"{"errcode":0}"#.utf8))
    }

    func bodies() -> [[String: Any]] {
        requests.compactMap { (try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any] }
    }
}

extension TestEnv {
    @discardableResult
    func sweep() async throws -> Sweeper.Report { try await Sweeper.runOnce(app) }

    func me() async throws -> String { try await api(.GET, "/me").id }

    func milestone(_ contract: String, name: String = "生产", weight: Double = 50, planned: String) async throws -> String {
        let r = try await api(.POST, "/contracts/\(contract)/milestones", json: ["name": name, "weight": weight, "planned_on": planned])
        #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
        return r.id
    }

    func risk(_ contract: String, _ trigger: [String: Any], likelihood: Int = 3, impact: Int = 3, owner: String? = nil,
              description: String = "供应商延期交货") async throws -> APIResult {
        let r = try await api(.POST, "/contracts/\(contract)/risks", json: [
            "description": description, "category": "supply", "likelihood": likelihood, "impact": impact,
            "mitigation": "启用备用供应商", "owner_id": owner, "trigger": trigger,
        ])
        #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
        return r
    }

    func openAlerts() async throws -> [[String: Any]] { try await api(.GET, "/alerts?status=open&limit=200").items }
    func allAlerts() async throws -> [[String: Any]] { try await api(.GET, "/alerts?limit=200").items }
}

/// Shanghai wall time → instant.
func shanghai(_ s: String) -> Date { JSONCoding.parseInstant(s + "+08:00")! }

func hmacHex(_ secret: String, _ body: Data) -> String {
    HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
}
