import Fluent
import SQLKit
import Vapor

enum AttachmentTable { static let name = "attachments" }

/// What an attachment hangs off (issue #5). Service requests join when their module lands.
enum AttachmentParent: String, Codable, CaseIterable, Sendable {
    case milestone, escalation

    var resource: Resource {
        switch self {
        case .milestone: .milestone
        case .escalation: .escalation
        }
    }

    /// The contract the parent belongs to, or 404 when there is no such parent.
    func contractID(_ id: UUID, on db: any Database) async throws -> UUID {
        switch self {
        case .milestone: return try await Writes.find(Milestone.self, id, on: db).$contract.id
        case .escalation: return try await Writes.find(Escalation.self, id, on: db).$contract.id
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
    @Field(key: "contract_id") var contractID: UUID
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

struct AttachmentResponse: Content, HasVersion {
    var id: UUID
    var parentType: AttachmentParent
    var parentId: UUID
    var contractId: UUID
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
