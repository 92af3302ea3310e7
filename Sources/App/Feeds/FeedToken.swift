import Fluent
import Foundation

/// Whose calendar a feed is: one user's, or one department's.
enum FeedScope: String, Codable, CaseIterable, Sendable {
    case user, department
}

/// A secret calendar-feed URL (issue #10). Only the SHA-256 of the token is stored; revoking sets `revoked_at`,
/// after which the URL answers 404 like any unknown one.
final class FeedToken: Model, @unchecked Sendable {
    static let schema = "feed_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "scope") var scope: FeedScope
    @OptionalField(key: "user_id") var userID: UUID?
    @OptionalField(key: "department_id") var departmentID: UUID?
    @OptionalField(key: "label") var label: String?
    @Field(key: "created_by_id") var createdByID: UUID
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Field(key: "version") var version: Int

    init() {}
}
