import Fluent
import Foundation
import Vapor

/// A one-time sign-in link for a customer contact (issue #5): customer service sends it by mail or chat, the
/// contact follows it once within 24 hours and lands on the portal. Only the token's hash is stored.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class SignInLink: Model, @unchecked Sendable {
    static let schema = "sign_in_links"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}

struct CreateSignInLinks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SignInLink.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SignInLink.schema).delete()
    }
}

struct SignInLinkResponse: Content {
    var url: String
    var expiresAt: Date
}

enum SignInLinkService {
    static let lifetime: TimeInterval = 24 * 3600

    /// Issues a link for an active customer contact. Staff accounts never get one: they sign in with a password.
    static func issue(_ app: Application, actor: Actor, userID: UUID) async throws -> SignInLinkResponse {
        let now = app.deps.now()
        let token = app.deps.randomToken()
        let linkID = app.deps.newID()
        let base = app.config.baseURL.hasSuffix("/") ? String(app.config.baseURL.dropLast()) : app.config.baseURL
        return try await Store.write(app) { db in
            guard let user = try await User.find(userID, on: db) else { throw AppError.notFound(entity: "user", id: userID.uuidString) }
            guard user.role == .customerContact, user.active else {
                throw AppError.conflict(code: "not_a_customer_contact", message: "sign-in links are only for active customer contacts")
            }
            let link = SignInLink()
            link.id = linkID
            link.userID = userID
            link.tokenHash = TokenHash.of(token)
            link.createdBy = actor.name
            link.createdAt = now
            link.expiresAt = now.addingTimeInterval(lifetime)
            try await link.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "sign_in_link.create", entityType: "user",
                                      entityID: userID.uuidString, after: ["expires_at": JSONCoding.formatInstant(link.expiresAt)])
            return SignInLinkResponse(url: base + PortalLinkPaths.path(token), expiresAt: link.expiresAt)
        }
    }

    /// Uses a link once: the same token a second time, after expiry, or for a deactivated user is refused.
    static func consume(_ app: Application, token: String) async throws -> User {
        let now = app.deps.now()
        return try await Store.write(app) { db in
            guard let link = try await SignInLink.query(on: db).filter(\.$tokenHash == TokenHash.of(token)).first(),
                  link.usedAt == nil, link.expiresAt > now,
                  let user = try await User.find(link.userID, on: db), user.active, user.role == .customerContact else {
                throw AppError.conflict(code: "link_invalid", message: "this sign-in link was already used, has expired or is unknown")
            }
            link.usedAt = now
            try await link.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: user.actor, action: "sign_in_link.use", entityType: "user",
                                      entityID: link.userID.uuidString)
            return user
        }
    }
}

struct SignInLinkAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("users", ":id", "sign-in-link", use: issue)
    }

    /// `POST /api/v1/users/{id}/sign-in-link` — those who manage customers (service desk, legal, managers, administrators).
    @Sendable func issue(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .customer)
        let link = try await SignInLinkService.issue(req.application, actor: req.actor, userID: try req.pathID(entity: "user"))
        return try .json(link, status: .created)
    }
}

enum PortalLinkPaths {
    static let template = "/portal/link/:token"
    static func path(_ token: String) -> String { "/portal/link/" + token }
}

/// `/portal/link/{token}`: GET shows a page with one button (no state change on GET, and link previews in chat
/// apps do not burn the link); POST signs the contact in and opens the portal.
struct SignInLinkWebController {
    struct Page: Encodable, Sendable {
        var action: String
        var csrf: String
        var error: String?
        var loginURL: String
    }

    func register(on routes: any RoutesBuilder) {
        routes.get(PortalLinkPaths.template.pathComponents, use: show)
        routes.post(PortalLinkPaths.template.pathComponents, use: use)
    }

    private func render(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let csrf = req.cookies[WebCookies.loginCSRFName(req)]?.string.nonEmpty ?? req.deps.randomToken()
        let response = try await WebView.render(req, "portal/link", title: req.strings["portal_link_title"],
                                                Page(action: PortalLinkPaths.path(token), csrf: csrf, error: error, loginURL: SitePath.login.path), status: status)
        response.cookies[WebCookies.loginCSRFName(req)] = WebCookies.value(req, csrf, maxAge: 3600)
        return response
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, error: nil)
    }

    @Sendable func use(req: Request) async throws -> Response {
        let body = FormBody(req)
        guard let cookie = req.cookies[WebCookies.loginCSRFName(req)]?.string, let given = body.string("csrf_token"),
              CSRFMiddleware.equal(given, cookie) else {
            throw AppError.forbidden("the page's security token is missing or out of date; open the link again")
        }
        let user: User
        do {
            user = try await SignInLinkService.consume(req.application, token: req.parameters.get("token") ?? "")
        } catch AppError.conflict {
            return try await render(req, error: req.strings["portal_link_invalid"], status: .gone)
        }
        let token = try await WebSessionService.start(req.application, user: user, replacing: nil)
        let response = req.redirect(to: PortalPaths.home.path, redirectType: .normal)
        response.cookies[WebCookies.sessionName(req)] = WebCookies.value(req, token, maxAge: Int(WebSessionService.absoluteLimit))
        response.cookies[WebCookies.loginCSRFName(req)] = WebCookies.expired(req)
        return response
    }
}
