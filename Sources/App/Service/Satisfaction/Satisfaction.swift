import Fluent
import Foundation

/// The 客户满意度评价表 of one request: four dimensions 1–5 and a comment.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class ServiceRating: Model, @unchecked Sendable {
    static let schema = "service_ratings"

    @ID(key: .id) var id: UUID?
    @Field(key: "request_id") var requestID: UUID
    @Field(key: "speed") var speed: Int
    @Field(key: "solving") var solving: Int
    @Field(key: "attitude") var attitude: Int
    @Field(key: "professionalism") var professionalism: Int
    @OptionalField(key: "comment") var comment: String?
    /// `sign_off` (on site), `link` (the tokenized page), `staff` (recorded for the customer).
    @Field(key: "source") var source: String
    @Field(key: "rated_at") var ratedAt: Date

    init() {}
}

/// A one-time rating link. Only the SHA-256 of the token is stored.
final class RatingToken: Model, @unchecked Sendable {
    static let schema = "service_rating_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "request_id") var requestID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

enum FollowUpOutcome: String, Codable, CaseIterable, Sendable {
    case satisfied
    case issues
    case unreachable
}

/// The follow-up call (回访) after the service.
final class FollowUp: Model, @unchecked Sendable {
    static let schema = "service_follow_ups"

    @ID(key: .id) var id: UUID?
    @Field(key: "request_id") var requestID: UUID
    @Field(key: "called_at") var calledAt: Date
    @Field(key: "caller_name") var callerName: String
    @OptionalField(key: "caller_id") var callerID: UUID?
    @Field(key: "outcome") var outcome: FollowUpOutcome
    @OptionalField(key: "notes") var notes: String?

    init() {}
}

enum ObjectionStatus: String, Codable, CaseIterable, Sendable {
    case open, resolved
}

/// An objection (异议) raised by the customer or on the follow-up call; resolved within 48 h (objection.resolve) and
/// the resolution fed back to the customer.
final class Objection: Model, @unchecked Sendable {
    static let schema = "service_objections"

    @ID(key: .id) var id: UUID?
    @Field(key: "request_id") var requestID: UUID
    @Field(key: "raised_at") var raisedAt: Date
    /// `customer` or `follow_up`.
    @Field(key: "source") var source: String
    @Field(key: "description") var summary: String
    @Field(key: "status") var status: ObjectionStatus
    @Field(key: "resolve_due_at") var resolveDueAt: Date
    @OptionalField(key: "resolution") var resolution: String?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "resolved_by") var resolvedBy: String?
    /// How and when the resolution was fed back to the customer.
    @OptionalField(key: "feedback") var feedback: String?
    @OptionalField(key: "feedback_at") var feedbackAt: Date?
    @OptionalField(key: "next_check_at") var nextCheckAt: Date?
    @Field(key: "version") var version: Int

    init() {}
}
