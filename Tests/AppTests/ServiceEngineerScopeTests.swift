@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("After-sales service: engineers work their own requests")
struct ServiceEngineerScopeTests {
    @Test func onlyTheAssignedEngineerChangesARequest() async throws {
        try await withTestApp { env in
            // given: two engineers, a request assigned to the first
            let sun = try await SecurityFixtures.person(env, "sun.wei", role: .engineer, department: "service")
            let zhou = try await SecurityFixtures.person(env, "zhou.li", role: .engineer, department: "service")
            let plan = try await env.servicePlan()
            let request = try await env.serviceRequest(contract: plan.contract)
            try await env.step(request.id, "confirm")
            try await env.step(request.id, "assign", ["engineer_id": sun.id.uuidString])
            // when / then: the other engineer may read but not act
            #expect(try await env.api(.GET, "/service-requests/\(request.id)", token: zhou.token).status == .ok)
            let refused = try await env.api(.POST, "/service-requests/\(request.id)/events", json: ["type": "respond"], token: zhou.token)
            #expect(refused.status == .forbidden)
            let checklist = try await env.api(.GET, "/service-requests/\(request.id)/checklist", token: zhou.token)
            if let item = checklist.items.first?["id"] as? String {
                #expect(try await env.api(.PATCH, "/checklist-items/\(item)", json: ["done": true], token: zhou.token).status == .forbidden)
            }
            let allowed = try await env.api(.POST, "/service-requests/\(request.id)/events", json: ["type": "respond"], token: sun.token)
            #expect(allowed.status == .ok)
        }
    }
}
