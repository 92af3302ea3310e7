import Fluent
import Foundation

/// One link of the audit hash chain. Rows are only ever appended; `hash` covers the row's content and the
/// previous row's hash, so altering or deleting any row breaks the chain at that row.
// Fluent models are reference types mutated only inside one request's task; @unchecked is Fluent's convention.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(custom: "seq", generatedBy: .user) var id: Int?
    @Field(key: "at_ms") var atMilliseconds: Int64
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "action") var action: String
    @Field(key: "entity_type") var entityType: String
    @Field(key: "entity_id") var entityID: String
    @OptionalField(key: "before") var before: String?
    @OptionalField(key: "after") var after: String?
    @Field(key: "prev_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}

    var at: Date { Date(timeIntervalSince1970: Double(atMilliseconds) / 1000) }

    /// The exact text that is hashed. Field order and separators are part of the chain's format: never change them.
    var canonicalPayload: String {
        Self.canonicalPayload(seq: id ?? 0, atMilliseconds: atMilliseconds, actorID: actorID, actorName: actorName, action: action,
                              entityType: entityType, entityID: entityID, before: before, after: after)
    }

    /// The same text for an event not held in a model (the appender builds it before it knows which head it extends).
    static func canonicalPayload(seq: Int, atMilliseconds: Int64, actorID: UUID?, actorName: String, action: String, entityType: String,
                                 entityID: String, before: String?, after: String?) -> String {
        [
            String(seq), String(atMilliseconds), actorID?.uuidString.lowercased() ?? "", actorName,
            action, entityType, entityID, before ?? "", after ?? "",
        ].joined(separator: "\u{1F}")
    }
}

/// The single row that names the chain's tip. Writers lock it (FOR UPDATE on PostgreSQL; SQLite's write
/// lock already serialises), so two writers can never append with the same previous hash.
final class AuditHead: Model, @unchecked Sendable {
    static let schema = "audit_head"

    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "last_seq") var lastSeq: Int
    @Field(key: "last_hash") var lastHash: String

    init() {}
    init(lastSeq: Int, lastHash: String) {
        self.id = 1
        self.lastSeq = lastSeq
        self.lastHash = lastHash
    }
}

struct CreateAuditTrail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .field("seq", .int, .identifier(auto: false))
            .field("at_ms", .int64, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string, .required)
            .field("before", .string)
            .field("after", .string)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await database.sql.raw("CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq)").run()
        try await database.schema(AuditHead.schema)
            .field("id", .int, .identifier(auto: false))
            .field("last_seq", .int, .required)
            .field("last_hash", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditHead.schema).delete()
        try await database.schema(AuditEvent.schema).delete()
    }
}
