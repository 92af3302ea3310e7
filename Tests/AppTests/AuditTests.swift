@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@Suite("Audit trail")
struct AuditTests {
    @Test func everyWriteIsAuditedWithBeforeAndAfter() async throws {
        try await withTestApp { env in
            let id = try await env.makeContract()
            _ = try await env.api(.PATCH, "/contracts/\(id)", json: ["title": "新标题"])
            let trail = try await env.api(.GET, "/audit?entity_type=contract&entity_id=\(id)")
            #expect(trail.items.map { $0["action"] as? String } == ["update", "create"])
            let update = try #require(trail.items.first)
            #expect((update["before"] as? String)?.contains("数控机床供货合同") == true)
            #expect((update["after"] as? String)?.contains("新标题") == true)
            #expect(update["actor_name"] as? String == "系统管理员")
        }
    }

    @Test func failedWritesLeaveNoAuditEvent() async throws {
        try await withTestApp { env in
            let before = try await AuditEvent.query(on: env.db).count()
            _ = try await env.api(.POST, "/contracts", json: ["number": "x", "title": "t", "customer_id": UUID().uuidString, "category": "other", "amount": "1"])
            #expect(try await AuditEvent.query(on: env.db).count() == before)
        }
    }

    @Test func verifyDetectsAlteredAndDeletedRows() async throws {
        try await withTestApp { env in
            let id = try await env.makeContract()
            for i in 1...3 { _ = try await env.api(.PATCH, "/contracts/\(id)", json: ["title": "修改\(i)"]) }
            let intact = try await AuditVerifier.verify(on: env.db)
            #expect(intact.problem == nil)
            #expect(intact.checked >= 6)

            // Altering a row by hand is detected at that row.
            try await env.db.sql.raw("UPDATE audit_events SET after = replace(after, '修改2', '篡改') WHERE seq = \(literal: intact.checked - 1)").run()
            let altered = try await AuditVerifier.verify(on: env.db)
            #expect(altered.problem?.contains("event \(intact.checked - 1)") == true)
        }
    }

    @Test func verifyDetectsDeletion() async throws {
        try await withTestApp { env in
            let id = try await env.makeContract()
            _ = try await env.api(.PATCH, "/contracts/\(id)", json: ["title": "改"])
            let n = try await AuditVerifier.verify(on: env.db).checked
            try await env.db.sql.raw("DELETE FROM audit_events WHERE seq = 3").run()
            #expect(try await AuditVerifier.verify(on: env.db).problem?.contains("event 3 is missing") == true)
            // Deleting the last event is caught by the chain tip.
            try await env.db.sql.raw("DELETE FROM audit_events WHERE seq >= 3").run()
            #expect(try await AuditVerifier.verify(on: env.db).problem?.contains("\(n)") == true)
        }
    }
}
