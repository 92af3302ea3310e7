import Fluent
import Foundation
import LvyueCore
import SQLKit

/// Who did something: a user, or the system itself (demo loader, sweeper, CLI).
struct Actor: Sendable {
    var id: UUID?
    var name: String

    static let system = Actor(id: nil, name: "system")
}

enum AuditLog {
    /// Appends one event to the chain. Must be called inside the write transaction of the change it records.
    @discardableResult
    static func append(
        on db: any Database, at: Date, actor: Actor, action: String, entityType: String, entityID: String,
        before: (any Encodable)? = nil, after: (any Encodable)? = nil
    ) async throws -> AuditEvent {
        let head = try await lockHead(on: db)
        let event = AuditEvent()
        event.id = head.seq + 1
        event.atMilliseconds = Int64((at.timeIntervalSince1970 * 1000).rounded())
        event.actorID = actor.id
        event.actorName = actor.name
        event.action = action
        event.entityType = entityType
        event.entityID = entityID
        event.before = try before.map(encode)
        event.after = try after.map(encode)
        event.previousHash = head.hash
        event.hash = AuditHash.hash(previous: head.hash, payload: event.canonicalPayload)
        // Every write of the system passes here inside its write lock: plain statements, no model reflection.
        try await db.sql.raw("""
            INSERT INTO audit_events (seq, at_ms, actor_id, actor_name, action, entity_type, entity_id, "before", "after", prev_hash, hash)
            VALUES (\(bind: event.id!), \(bind: event.atMilliseconds), \(bind: actor.id), \(bind: actor.name), \(bind: action), \(bind: entityType),
              \(bind: entityID), \(bind: event.before), \(bind: event.after), \(bind: head.hash), \(bind: event.hash))
            """).run()
        try await db.sql.raw("UPDATE audit_head SET last_seq = \(bind: event.id!), last_hash = \(bind: event.hash) WHERE id = 1").run()
        return event
    }

    /// The chain's last sequence number and hash. On PostgreSQL the row is locked, so concurrent writers queue here
    /// until the holder commits; on SQLite the write lock is already held.
    private static func lockHead(on db: any Database) async throws -> (seq: Int, hash: String) {
        let lock: SQLQueryString = db.isSQLite ? "" : " FOR UPDATE"
        if let row = try await db.sql.raw("SELECT last_seq, last_hash FROM audit_head WHERE id = 1" + lock).first() {
            return (try row.decode(column: "last_seq", as: Int.self), try row.decode(column: "last_hash", as: String.self))
        }
        try await AuditHead(lastSeq: 0, lastHash: AuditHash.genesis).create(on: db)
        return (0, AuditHash.genesis)
    }

    private static func encode(_ value: any Encodable) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self)
    }
}

/// Walks the whole chain and names the first event that does not match.
enum AuditVerifier {
    struct Result: Sendable {
        var checked: Int
        var problem: String?
    }

    static func verify(on db: any Database, batch: Int = 2000) async throws -> Result {
        var previousHash = AuditHash.genesis
        var expectedSeq = 1
        var checked = 0
        while true {
            let rows = try await AuditEvent.query(on: db)
                .filter(\.$id >= expectedSeq).sort(\.$id).limit(batch).all()
            if rows.isEmpty { break }
            for row in rows {
                let seq = row.id ?? -1
                if seq != expectedSeq {
                    return Result(checked: checked, problem: "event \(expectedSeq) is missing (next present is \(seq))")
                }
                if row.previousHash != previousHash {
                    return Result(checked: checked, problem: "event \(seq): previous-hash link broken (an earlier event was altered or removed)")
                }
                if AuditHash.hash(previous: row.previousHash, payload: row.canonicalPayload) != row.hash {
                    return Result(checked: checked, problem: "event \(seq): content does not match its hash (the row was altered)")
                }
                previousHash = row.hash
                expectedSeq += 1
                checked += 1
            }
        }
        let head = try await AuditHead.find(1, on: db)
        let headSeq = head?.lastSeq ?? 0
        if headSeq != checked {
            return Result(checked: checked, problem: "the chain ends at event \(checked) but \(headSeq) were written (events \(checked + 1)…\(headSeq) removed)")
        }
        if let head, head.lastHash != previousHash && headSeq > 0 {
            return Result(checked: checked, problem: "event \(checked): the last event does not match the recorded chain tip")
        }
        return Result(checked: checked, problem: nil)
    }
}
