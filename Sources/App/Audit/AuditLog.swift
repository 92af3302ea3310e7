import Fluent
import Foundation
import LvyueCore
import NIOConcurrencyHelpers
import SQLKit

/// Who did something: a user, or the system itself (demo loader, sweeper, CLI).
struct Actor: Sendable {
    var id: UUID?
    var name: String

    static let system = Actor(id: nil, name: "system")
}

enum AuditLog {
    /// The tip this process last wrote. A write extends it by moving the head only if the head is still exactly there
    /// (one conditional `UPDATE` instead of a read and an update); if anything else moved it (another process, another
    /// instance, a rolled-back write, another database) the head is read and the event built again.
    private static let tip = NIOLockedValueBox<(seq: Int, hash: String)?>(nil)

    private enum Statements {
        static let extend: SQLText = """
            UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1 AND last_seq = ? AND last_hash = ? RETURNING last_seq
            """
        static let move: SQLText = "UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1"
        static let insert: SQLText = """
            INSERT INTO audit_events (seq, at_ms, actor_id, actor_name, action, entity_type, entity_id, "before", "after", prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
    }

    /// Appends one event to the chain. Must be called inside the write transaction of the change it records.
    static func append(
        on db: any Database, at: Date, actor: Actor, action: String, entityType: String, entityID: String,
        before: (any Encodable)? = nil, after: (any Encodable)? = nil
    ) async throws {
        let atMilliseconds = Int64((at.timeIntervalSince1970 * 1000).rounded())
        let beforeJSON = try before.map(encode), afterJSON = try after.map(encode)
        func event(after head: (seq: Int, hash: String)) -> (seq: Int, hash: String) {
            let payload = AuditEvent.canonicalPayload(seq: head.seq + 1, atMilliseconds: atMilliseconds, actorID: actor.id, actorName: actor.name,
                                                      action: action, entityType: entityType, entityID: entityID, before: beforeJSON, after: afterJSON)
            return (head.seq + 1, AuditHash.hash(previous: head.hash, payload: payload))
        }
        var extended: (head: (seq: Int, hash: String), next: (seq: Int, hash: String))?
        if let head = tip.withLockedValue({ $0 }) {
            let next = event(after: head)
            if try await db.sql.first(Statements.extend, next.seq, next.hash, head.seq, head.hash) != nil { extended = (head, next) }
        }
        if extended == nil {
            let head = try await lockHead(on: db)
            let next = event(after: head)
            try await db.sql.run(Statements.move, next.seq, next.hash)
            extended = (head, next)
        }
        guard let (head, next) = extended else { return }
        // Every write of the system passes here inside its write lock: plain statements, no model reflection.
        try await db.sql.run(Statements.insert, next.seq, atMilliseconds, actor.id, actor.name, action, entityType, entityID,
                              beforeJSON, afterJSON, head.hash, next.hash)
        tip.withLockedValue { $0 = next }
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
        String(decoding: try JSONBytes.encode(value), as: UTF8.self)
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
