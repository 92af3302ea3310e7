import Fluent
import Foundation

enum TriageStatus: String, Codable, CaseIterable, Sendable {
    case pending, created, discarded
}

/// A mail from an unknown sender, kept for customer service to turn into a request or discard — never dropped.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class TriageItem: Model, @unchecked Sendable {
    static let schema = "service_triage"

    @ID(key: .id) var id: UUID?
    @Field(key: "from_address") var fromAddress: String
    @OptionalField(key: "from_name") var fromName: String?
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @OptionalField(key: "message_id") var messageID: String?
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "status") var status: TriageStatus
    @OptionalField(key: "request_id") var requestID: UUID?
    @OptionalField(key: "handled_by") var handledBy: String?
    @OptionalField(key: "handled_at") var handledAt: Date?
    @Field(key: "version") var version: Int

    init() {}
}
