@testable import App
import Foundation
import Testing
import VaporTesting

extension TestEnv {
    /// A contract with a service plan; returns (contract id, plan id, customer id).
    func servicePlan(number: String = "HT-2026-S01", calendar: String = "7x24", warrantyStart: String = "2026-01-01",
                     extra: [String: Any] = [:]) async throws -> (contract: String, plan: String, customer: String) {
        let contract = try await makeContract(number: number, customerName: "客户\(number)")
        var body: [String: Any?] = ["warranty_start": warrantyStart, "calendar_id": calendar, "contact_name": "刘洋",
                                    "contact_phone": "400-820-0000", "inspection_months": 0]
        for (k, v) in extra { body[k] = v }
        let r = try await api(.POST, "/contracts/\(contract)/service-plan", json: body)
        #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
        let c = try await api(.GET, "/contracts/\(contract)")
        return (contract, r.id, c.string("customer_id") ?? "")
    }

    func serviceRequest(contract: String, urgency: String = "normal", type: String = "fault_repair", remote: Bool = false,
                        receivedAt: String? = nil) async throws -> APIResult {
        var body: [String: Any?] = ["contract_id": contract, "type": type, "urgency": urgency, "remote_solvable": remote,
                                    "channel": "phone", "description": "设备宕机，生产线停止"]
        if let receivedAt { body["received_at"] = receivedAt }
        let r = try await api(.POST, "/service-requests", json: body)
        #expect(r.status == .created, "\(String(decoding: r.body, as: UTF8.self))")
        return r
    }

    @discardableResult
    func step(_ id: String, _ type: String, at: String? = nil, _ extra: [String: Any] = [:], expect: HTTPStatus = .ok) async throws -> APIResult {
        var body: [String: Any?] = ["type": type]
        if let at {
            body["at"] = at
            // steps are recorded as they happen: time moves on to the step
            if let t = JSONCoding.parseInstant(at), t > clock.now { clock.set(t) }
        }
        for (k, v) in extra { body[k] = v }
        let r = try await api(.POST, "/service-requests/\(id)/events", json: body)
        #expect(r.status == expect, "\(type): \(String(decoding: r.body, as: UTF8.self))")
        return r
    }

    /// Ticks every checklist item of a request.
    func tickAll(_ id: String) async throws {
        for item in try await api(.GET, "/service-requests/\(id)/checklist").items {
            let r = try await api(.PATCH, "/checklist-items/\(item["id"] as! String)", json: ["done": true])
            #expect(r.status == .ok)
        }
    }
}

extension APIResult {
    /// The clocks of a request detail, by name.
    var clocks: [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for c in json["clocks"] as? [[String: Any]] ?? [] where c["subject_id"] == nil { out[c["name"] as! String] = c }
        return out
    }

    func due(_ clock: String) -> String? { clocks[clock]?["due_at"] as? String }
    func state(_ clock: String) -> String? { clocks[clock]?["state"] as? String }
}
