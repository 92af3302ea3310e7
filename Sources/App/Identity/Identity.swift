import Fluent
import Vapor

/// The roles of the standard's departments. Fine-grained permissions hang off these in `Permissions`.
enum Role: String, Codable, CaseIterable, Sendable {
    case administrator, manager, legal, project, technical, finance
    case serviceDesk = "service_desk"
    case engineer, viewer
    case customerContact = "customer_contact"
}

// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class Department: Model, @unchecked Sendable {
    static let schema = "departments"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
    init(id: UUID? = nil, code: String, name: String) {
        self.id = id
        self.code = code
        self.name = name
        self.active = true
        self.version = 1
    }
}

final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "phone") var phone: String?
    @OptionalParent(key: "department_id") var department: Department?
    @Field(key: "role") var role: Role
    @OptionalField(key: "customer_id") var customerID: UUID?
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var actor: Actor { Actor(id: id, name: displayName) }
}

final class Customer: Model, @unchecked Sendable {
    static let schema = "customers"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @OptionalField(key: "short_name") var shortName: String?
    @OptionalField(key: "industry") var industry: String?
    @OptionalField(key: "address") var address: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

final class CustomerContact: Model, @unchecked Sendable {
    static let schema = "customer_contacts"

    @ID(key: .id) var id: UUID?
    @Parent(key: "customer_id") var customer: Customer
    @Field(key: "name") var name: String
    @OptionalField(key: "title") var title: String?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "email") var email: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// An API bearer token. Only the SHA-256 of the token is stored; the token itself is shown once.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}
}

/// A web session, server-side so that logout and deactivation end it. The cookie carries the token;
/// only its hash is stored. Each session has its own CSRF token for forms.
final class WebSession: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?

    init() {}
}

/// Small key/value facts about the installation (e.g. that the demo data was loaded).
final class Setting: Model, @unchecked Sendable {
    static let schema = "settings"

    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "value") var value: String

    init() {}
    init(key: String, value: String) {
        self.id = key
        self.value = value
    }
}
