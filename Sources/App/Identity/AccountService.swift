import Fluent
import Vapor

struct TokenInfo: Content {
    var id: UUID
    var userId: UUID
    var name: String
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?
    var lastUsedAt: Date?

    init(_ t: APIToken) {
        id = t.id!
        userId = t.$user.id
        name = t.name
        createdAt = t.createdAt
        expiresAt = t.expiresAt
        revokedAt = t.revokedAt
        lastUsedAt = t.lastUsedAt
    }
}

struct TokenList: Content { var items: [TokenInfo] }

struct NewTokenResponse: Content {
    var token: String
    var info: TokenInfo
}

struct CreateTokenRequest: Decodable {
    var name: String?
    var expiresInHours: Int?
}

struct ChangePasswordRequest: Decodable {
    var currentPassword: String?
    var newPassword: String?
    var signOutOtherSessions: Bool?
}

struct ChangePasswordResponse: Content {
    var endedSessions: Int
}

/// A user's own account (issue #5): password change, sessions, API tokens. Every change is in the security log.
enum AccountService {
    /// Checks the current password (a wrong one counts as a failed sign-in), applies the password policy, stores the
    /// new hash and — unless told not to — ends every other web session of the user, all in one transaction.
    static func changePassword(_ req: Request, user: User, current: String?, new: String?, signOutOthers: Bool,
                               keeping session: WebSession?) async throws -> Int {
        var check = FieldCheck()
        if (current ?? "").isEmpty { check.fail("current_password", "is required") }
        if let new {
            if let problem = Passwords.policyProblem(new) { check.fail("new_password", problem) }
            else if new == current { check.fail("new_password", "must differ from the current password") }
            else if new.lowercased() == user.username.lowercased() { check.fail("new_password", "must not be the username") }
        } else { check.fail("new_password", "is required") }
        try check.throwIfAny()
        let app = req.application
        try await LoginThrottle.check(app, username: user.username, address: SecurityLog.address(req))
        guard try await Passwords.verify(current!, hash: user.passwordHash, app: app) else {
            await LoginThrottle.recordFailure(app, username: user.username, address: SecurityLog.address(req), channel: "password_change")
            throw AppError.invalid(fields: ["current_password": "is not your current password"])
        }
        let hash = try await Passwords.hash(new!, app: app)
        let now = app.deps.now()
        let userID = try user.requireID(), actor = user.actor, name = user.username, keep = session?.id
        return try await Store.write(app) { db in
            guard let row = try await User.find(userID, on: db) else { throw AppError.notFound(entity: "user", id: userID.uuidString) }
            row.passwordHash = hash
            row.version += 1
            try await row.update(on: db)
            var ended = 0
            if signOutOthers {
                let q = WebSession.query(on: db).filter(\.$user.$id == userID).filter(\.$endedAt == nil)
                if let keep { q.filter(\.$id != keep) }
                ended = try await q.count()
                let upd = WebSession.query(on: db).filter(\.$user.$id == userID).filter(\.$endedAt == nil)
                if let keep { upd.filter(\.$id != keep) }
                try await upd.set(\.$endedAt, to: now).update()
            }
            try await SecurityLog.append(on: db, at: now, actor: actor, action: "password.change", subject: name,
                                         detail: ["username": name, "other_sessions_ended": String(ended)])
            return ended
        }
    }

    /// Ends every session and revokes every token of a deactivated user, inside the deactivating transaction.
    static func endEverything(of userID: UUID, at now: Date, on db: any Database) async throws {
        try await WebSession.query(on: db).filter(\.$user.$id == userID).filter(\.$endedAt == nil).set(\.$endedAt, to: now).update()
        try await APIToken.query(on: db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
    }

    static func revokeToken(_ req: Request, id: UUID) async throws {
        let user = try req.user
        guard let token = try await APIToken.find(id, on: req.db), token.$user.id == user.id || user.role == .administrator else {
            throw AppError.notFound(entity: "api_token", id: id.uuidString)  // someone else's token: it does not exist for you
        }
        let now = req.now, actor = req.actor, name = token.name
        try await Store.write(req.application) { db in
            try await APIToken.query(on: db).filter(\.$id == id).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
            try await SecurityLog.append(on: db, at: now, actor: actor, action: "token.revoke", subject: id.uuidString,
                                         detail: ["name": name, "user_id": token.$user.id.uuidString])
        }
    }
}

/// `/me/password`, `/tokens`: self-service for every signed-in user (customer contacts included for the password).
struct AccountAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("me", "password", use: changePassword)
        routes.get("tokens", use: listTokens)
        routes.post("tokens", use: createToken)
        routes.delete("tokens", ":id", use: revokeToken)
    }

    @Sendable func changePassword(req: Request) async throws -> Response {
        let body = try req.decodeJSON(ChangePasswordRequest.self)
        let ended = try await AccountService.changePassword(req, user: try req.user, current: body.currentPassword, new: body.newPassword,
                                                            signOutOthers: body.signOutOtherSessions ?? true, keeping: nil)
        return try .json(ChangePasswordResponse(endedSessions: ended))
    }

    /// Your own tokens; an administrator may pass `user_id` (or `all=true`) to see others'.
    @Sendable func listTokens(req: Request) async throws -> Response {
        let user = try req.user
        let q = APIToken.query(on: req.db)
        if user.role == .administrator, req.query[String.self, at: "all"] == "true" {
        } else if user.role == .administrator, let other = try req.uuidQuery("user_id") {
            q.filter(\.$user.$id == other)
        } else {
            q.filter(\.$user.$id == (try user.requireID()))
        }
        let rows = try await q.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(500).all()
        return try .json(TokenList(items: rows.map(TokenInfo.init)))
    }

    @Sendable func createToken(req: Request) async throws -> Response {
        let body = try req.decodeJSON(CreateTokenRequest.self)
        var check = FieldCheck()
        let name = check.text(body.name, "name", max: 100)
        let hours = check.range(body.expiresInHours, "expires_in_hours", 1...(24 * 365), required: false)
        try check.throwIfAny()
        let user = try req.user
        let issued = try await AuthService.issueToken(req.application, user: user, name: name!, expiresInHours: hours)
        guard let record = try await APIToken.query(on: req.db).filter(\.$tokenHash == TokenHash.of(issued.token)).first() else {
            throw AppError.notFound(entity: "api_token", id: "")
        }
        return try .json(NewTokenResponse(token: issued.token, info: TokenInfo(record)), status: .created)
    }

    @Sendable func revokeToken(req: Request) async throws -> Response {
        try await AccountService.revokeToken(req, id: try req.pathID(entity: "api_token"))
        return Response(status: .noContent)
    }
}
