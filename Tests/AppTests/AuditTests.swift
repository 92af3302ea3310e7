@testable import App
import Fluent
import Foundation
import LvyueCore
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

    /// A process extends the chain from the tip it last wrote only while the head is still there: after a write that
    /// rolled back and after another process (here plain SQL) moved the head, the next events still follow the head.
    @Test func theChainFollowsItsHeadWhateverMovedIt() async throws {
        try await withTestApp { env in
            let id = try await env.makeContract()
            // Appended, then rolled back with its write: the process's tip now names an event that does not exist.
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await Store.write(env.app) { db in
                    try await AuditLog.append(on: db, at: env.clock.now, actor: .system, action: "probe", entityType: "contract", entityID: id)
                    throw Refused()
                }
            }
            _ = try await env.api(.PATCH, "/contracts/\(id)", json: ["title": "改一"])
            // Another process appends an event of its own.
            let head = try #require(try await env.db.sql.raw("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").first())
            let seq = try head.decode(column: "last_seq", as: Int.self) + 1, previous = try head.decode(column: "last_hash", as: String.self)
            let hash = AuditHash.hash(previous: previous, payload: AuditEvent.canonicalPayload(
                seq: seq, atMilliseconds: 0, actorID: nil, actorName: "other", action: "note", entityType: "contract", entityID: id, before: nil, after: nil))
            try await env.db.sql.raw("""
                INSERT INTO audit_events (seq, at_ms, actor_name, action, entity_type, entity_id, prev_hash, hash)
                VALUES (\(bind: seq), 0, 'other', 'note', 'contract', \(bind: id), \(bind: previous), \(bind: hash))
                """).run()
            try await env.db.sql.raw("UPDATE audit_head SET last_seq = \(bind: seq), last_hash = \(bind: hash) WHERE id = 1").run()
            _ = try await env.api(.PATCH, "/contracts/\(id)", json: ["title": "改二"])

            let result = try await AuditVerifier.verify(on: env.db)
            #expect(result.problem == nil)
            let actions = try await env.db.sql.raw("SELECT action FROM audit_events WHERE entity_id = \(bind: id) ORDER BY seq").all()
                .map { try $0.decode(column: "action", as: String.self) }
            #expect(actions == ["create", "update", "note", "update"])
            let last = try await env.db.sql.raw("SELECT MAX(seq) AS n, COUNT(*) AS c FROM audit_events").first()
            #expect(try last?.decode(column: "n", as: Int.self) == last?.decode(column: "c", as: Int.self))
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
