import Fluent
import LvyueCore
import Vapor

struct FeedTokenResponse: Content, HasVersion {
    var id: UUID
    var scope: FeedScope
    var userId: UUID?
    var departmentId: UUID?
    var label: String?
    var createdAt: Date
    var revokedAt: Date?
    /// The secret feed URL: only in the answer that creates it (the server keeps a hash).
    var url: String?
    var version: Int
}

extension FeedToken: AuditedModel {
    static let entityType = "feed_token"
    func response(_ ctx: ResponseContext) -> FeedTokenResponse {
        FeedTokenResponse(id: id!, scope: scope, userId: userID, departmentId: departmentID, label: label, createdAt: createdAt,
                          revokedAt: revokedAt, url: nil, version: version)
    }
}

struct FeedTokenInput: Decodable, Sendable {
    var scope: String?
    var departmentId: UUID?
    var label: String?
}

/// The caller's calendar feed URLs: create (the URL is shown once), list, revoke.
struct FeedAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("feed-tokens", use: list)
        routes.post("feed-tokens", use: create)
        routes.delete("feed-tokens", ":id", use: revoke)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .calendarFeed)
        let page = try PageRequest(req)
        let me = try req.user.requireID()
        let rows = try await page.apply(FeedToken.query(on: req.db).filter(\.$createdByID == me)).all()
        let ctx = ResponseContext(now: req.now)
        return try .json(page.page(rows) { $0.response(ctx) })
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .calendarFeed)
        let input = try req.decodeJSON(FeedTokenInput.self)
        let created = try await FeedTokens.create(req, scope: input.scope, departmentID: input.departmentId, label: input.label)
        return try .json(created, status: .created, version: created.version)
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        try Permissions.require(req, .delete, .calendarFeed)
        try await FeedTokens.revoke(req, id: try req.pathID(entity: "feed token"))
        return Response(status: .noContent)
    }
}

enum FeedTokens {
    static func path(_ token: String) -> String { "/feeds/\(token).ics" }

    static func create(_ req: Request, scope rawScope: String?, departmentID: UUID?, label rawLabel: String?) async throws -> FeedTokenResponse {
        let user = try req.user
        var check = FieldCheck()
        let scope = check.oneOf(rawScope ?? FeedScope.user.rawValue, "scope", FeedScope.self)
        let label = check.text(rawLabel, "label", max: 100, required: false)
        if scope == .department, departmentID == nil { check.fail("department_id", "is required for a department feed") }
        if scope == .user, departmentID != nil { check.fail("department_id", "only a department feed names a department") }
        try check.throwIfAny()
        if scope == .department, let d = departmentID {
            try await Writes.requireReference(Department.self, d, field: "department_id", on: req.db)
            if ![.administrator, .manager].contains(user.role) && user.$department.id != d {
                throw AppError.forbidden("a department's feed is for its members and managers")
            }
        }
        let secret = req.deps.randomToken()
        let t = FeedToken()
        t.id = req.deps.newID()
        t.tokenHash = TokenHash.of(secret)
        t.scope = scope!
        t.userID = scope == .user ? user.id : nil
        t.departmentID = scope == .department ? departmentID : nil
        t.label = label
        t.createdByID = try user.requireID()
        t.createdAt = req.now
        var created = try await Writes.create(req.application, actor: req.actor, t)
        let base = req.application.config.baseURL.hasSuffix("/") ? String(req.application.config.baseURL.dropLast()) : req.application.config.baseURL
        created.url = base + path(secret)
        return created
    }

    /// Revokes one of the caller's feeds (administrators revoke any). Another user's feed is 404.
    static func revoke(_ req: Request, id: UUID) async throws {
        let user = try req.user
        guard let t = try await FeedToken.find(id, on: req.db), t.createdByID == user.id || user.role == .administrator else {
            throw AppError.notFound(entity: "feed token", id: id.uuidString)
        }
        if t.revokedAt != nil { return }
        let now = req.now
        _ = try await Writes.update(req.application, actor: req.actor, FeedToken.self, id: id, expectedVersion: nil) { token, _ in
            token.revokedAt = now
        }
    }
}
