import Fluent
import SQLKit
import Vapor

enum AttachmentTable { static let name = "attachments" }

/// What an attachment hangs off (issue #5): a milestone, an escalation or a service request.
enum AttachmentParent: String, Codable, CaseIterable, Sendable {
    case milestone, escalation
    case serviceRequest = "service_request"

    var resource: Resource {
        switch self {
        case .milestone: .milestone
        case .escalation: .escalation
        case .serviceRequest: .serviceRequest
        }
    }

    /// The parent's collection in API paths: `/milestones/:id/attachments`, `/service-requests/:id/attachments`.
    var pathSegment: String {
        switch self {
        case .milestone: "milestones"
        case .escalation: "escalations"
        case .serviceRequest: "service-requests"
        }
    }

    /// The contract whose team works the parent, or 404 when there is no such parent. Service requests answer nil:
    /// the service desk runs them across contracts (their own rules, `ServicePermissions` and `EngineerScope`, decide),
    /// and a request may have no contract at all.
    func contractID(_ id: UUID, on db: any Database) async throws -> UUID? {
        switch self {
        case .milestone: return try await Writes.find(Milestone.self, id, on: db).$contract.id
        case .escalation: return try await Writes.find(Escalation.self, id, on: db).$contract.id
        case .serviceRequest:
            _ = try await Writes.find(ServiceRequest.self, id, on: db)
            return nil
        }
    }
}

/// A file (photo of a fault, signed form, inspection report) attached to a record. The bytes live on disk under the
/// data directory (`AttachmentStore`), named by the attachment's id; the row holds what we know about them.
final class Attachment: Model, @unchecked Sendable {  // Fluent models are confined to one task; Fluent's convention.
    static let schema = AttachmentTable.name

    @ID(key: .id) var id: UUID?
    @Field(key: "parent_type") var parentType: AttachmentParent
    @Field(key: "parent_id") var parentID: UUID
    /// Set for files on milestones and escalations (deleted with the contract); nil for files on service requests.
    @OptionalField(key: "contract_id") var contractID: UUID?
    @Field(key: "filename") var filename: String
    /// Sniffed from the bytes, never taken from the client.
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @OptionalField(key: "uploaded_by_id") var uploadedByID: UUID?
    @Field(key: "uploaded_by_name") var uploadedByName: String
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreateAttachments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Attachment.schema)
            .id()
            .field("parent_type", .string, .required)
            .field("parent_id", .uuid, .required)
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id", onDelete: .cascade))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("uploaded_by_id", .uuid)
            .field("uploaded_by_name", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX attachments_parent ON attachments (parent_type, parent_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Attachment.schema).delete()
    }
}

/// Files on service requests have no contract (issue #5): `contract_id` becomes optional. PostgreSQL drops the
/// constraint in place; SQLite cannot alter a column, so the table is rebuilt with the same columns and rows.
struct AttachmentsOnServiceRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard database.isSQLite else {
            try await database.sql.raw("ALTER TABLE attachments ALTER COLUMN contract_id DROP NOT NULL").run()
            return
        }
        try await database.schema("attachments_rebuilt")
            .id()
            .field("parent_type", .string, .required)
            .field("parent_id", .uuid, .required)
            .field("contract_id", .uuid, .references(Contract.schema, "id", onDelete: .cascade))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("uploaded_by_id", .uuid)
            .field("uploaded_by_name", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.raw("""
            INSERT INTO attachments_rebuilt (id, parent_type, parent_id, contract_id, filename, content_type, size, sha256, uploaded_by_id,
                                             uploaded_by_name, version, created_at)
            SELECT id, parent_type, parent_id, contract_id, filename, content_type, size, sha256, uploaded_by_id, uploaded_by_name, version,
                   created_at FROM attachments
            """).run()
        try await database.sql.raw("DROP TABLE attachments").run()
        try await database.sql.raw("ALTER TABLE attachments_rebuilt RENAME TO attachments").run()
        try await database.sql.raw("CREATE INDEX attachments_parent ON attachments (parent_type, parent_id)").run()
    }

    /// Files without a contract (those on service requests) go; on PostgreSQL the column is required again.
    func revert(on database: any Database) async throws {
        try await database.sql.raw("DELETE FROM attachments WHERE contract_id IS NULL").run()
        if !database.isSQLite {
            try await database.sql.raw("ALTER TABLE attachments ALTER COLUMN contract_id SET NOT NULL").run()
        }
    }
}

struct AttachmentResponse: Content, HasVersion {
    var id: UUID
    var parentType: AttachmentParent
    var parentId: UUID
    var contractId: UUID?
    var filename: String
    var contentType: String
    var size: Int
    var sha256: String
    var uploadedBy: String
    var createdAt: Date
    var version: Int
}

extension Attachment: AuditedModel {
    static let entityType = "attachment"
    func response(_ ctx: ResponseContext) -> AttachmentResponse {
        AttachmentResponse(id: id!, parentType: parentType, parentId: parentID, contractId: contractID, filename: filename,
                           contentType: contentType, size: size, sha256: sha256, uploadedBy: uploadedByName, createdAt: createdAt,
                           version: version)
    }
}
