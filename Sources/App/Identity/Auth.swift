import Fluent
import LvyueCore
import SQLKit
import SQLiteKit
import Vapor

extension User: Authenticatable {}

enum Passwords {
    private struct CostKey: StorageKey { typealias Value = Int }

    /// bcrypt cost; lowered in tests (set before use) because every hash at cost 12 takes a quarter second.
    static func cost(_ app: Application) -> Int { app.storage[CostKey.self] ?? 12 }
    static func setCost(_ app: Application, _ cost: Int) { app.storage[CostKey.self] = cost }

    static func policyProblem(_ password: String) -> String? {
        if password.count < 8 { return "must be at least 8 characters" }
        if password.count > 128 { return "must be at most 128 characters" }
        if CommonPasswords.contains(password) { return "is too common; choose a less guessable password" }  // issue #5
        return nil
    }

    static func hash(_ password: String, app: Application) async throws -> String {
        let cost = cost(app)
        return try await app.threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String, app: Application) async throws -> Bool {
        try await app.threadPool.runIfActive { try Bcrypt.verify(password, created: hash) }
    }
}

enum TokenHash {
    static func of(_ token: String) -> String {
        Hex.sha256(Data(token.utf8))
    }
}

enum AuthService {
    /// Checks a username and password. The same error for an unknown user, a wrong password and a
    /// deactivated account, so the answer does not tell which usernames exist.
    static func authenticate(_ app: Application, username: String, password: String) async throws -> User {
        let user = try await User.query(on: app.db).filter(\.$username == username).first()
        // Verify against a fixed hash even when the user is unknown, so timing does not reveal it either.
        let hash = user?.passwordHash ?? "$2b$04$abcdefghijklmnopqrstuu5Pj8oVWhBMSdDA1iCnL4NsG8DgC2G9e"
        let ok = (try? await Passwords.verify(password, hash: hash, app: app)) ?? false
        guard let user, ok, user.active else { throw AppError.unauthorized("wrong username or password") }
        return user
    }

    /// A sign-in through either front door (web form, `POST /auth/token`), throttled per account and per address
    /// (issue #5): refused with `LoginThrottle.Locked` (429) while over the limit; every failure and success is in
    /// the security log.
    static func signIn(_ req: Request, username: String, password: String, channel: String) async throws -> User {
        let app = req.application
        let address = SecurityLog.address(req)
        do {
            try await LoginThrottle.check(app, username: username, address: address)
        } catch let locked as LoginThrottle.Locked {
            await SecurityLog.record(app, actor: .system, action: "login.throttled", subject: LoginThrottle.key(username),
                                     detail: ["username": LoginThrottle.key(username), "address": address, "channel": channel])
            throw locked
        }
        let user: User
        do {
            user = try await authenticate(app, username: username, password: password)
        } catch {
            await LoginThrottle.recordFailure(app, username: username, address: address, channel: channel)
            throw error
        }
        let now = app.deps.now()
        let actor = user.actor, name = user.username
        try await Store.write(app) { db in
            try await LoginThrottle.clear(app, username: name, on: db)
            try await SecurityLog.append(on: db, at: now, actor: actor, action: "login.succeeded", subject: name,
                                         detail: ["username": name, "address": address, "channel": channel])
        }
        return user
    }

    static func issueToken(_ app: Application, user: User, name: String, expiresInHours: Int?) async throws -> TokenResponse {
        let now = app.deps.now()
        let token = app.deps.randomToken()
        let record = APIToken()
        record.id = app.deps.newID()
        record.$user.id = try user.requireID()
        record.tokenHash = TokenHash.of(token)
        record.name = name
        record.createdAt = now
        record.expiresAt = expiresInHours.map { now.addingTimeInterval(Double($0) * 3600) }
        let saved = record
        try await Store.write(app) { db in
            try await saved.create(on: db)
            // Issue #5: token creation is a security event.
            try await AuditLog.append(on: db, at: now, actor: user.actor, action: "token.create", entityType: SecurityLog.entityType,
                                      entityID: saved.id!.uuidString, after: ["name": name, "user": user.username])
        }
        return TokenResponse(token: token, expiresAt: record.expiresAt)
    }
}

/// `Authorization: Bearer <token>` on every API route but token creation. 401 otherwise.
struct BearerAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else {
            throw AppError.unauthorized("an Authorization: Bearer token is required; get one from POST /api/v1/auth/token")
        }
        let now = request.now
        guard let found = try await Self.lookup(TokenHash.of(bearer.token), for: request),
              found.expiresAt.map({ $0 > now }) ?? true,
              found.user.active
        else {
            throw AppError.unauthorized("the token is unknown, expired or revoked")
        }
        request.auth.login(found.user)
        request.storage[ReadCache.TokenExpiryKey.self] = found.expiresAt
        await Self.touch(request.application, tokenID: found.tokenID, lastUsedAt: found.lastUsedAt, now: now)
        return try await next.respond(to: request)
    }

    struct Found {
        var tokenID: UUID
        var expiresAt: Date?
        var lastUsedAt: Date?
        var user: User
    }

    /// The unrevoked token with this hash and its user, in one statement. Every API request pays for this lookup, so it
    /// is plain SQL read column by column rather than two model queries (the token, then its user), and on SQLite it
    /// runs on the request's own read connection (`SQLiteReaders`) rather than through the pool.
    static func lookup(_ hash: String, for request: Request) async throws -> Found? {
        if let readers = request.application.sqliteReaders {
            var row: DirectSQLiteConnection.Row?
            try readers.connection(for: request.eventLoop).run(sqliteLookup, [.text(hash)], decoder: SQLiteDataDecoder()) { row = $0 }
            return try row.flatMap { try found($0) }
        }
        var query = SQLQueryString("")
        query.appendLiteral(lookupHead)
        query.appendInterpolation(bind: hash)
        query.appendLiteral(lookupTail)
        return try await request.db.sql.raw(query).first().flatMap { try found($0) }
    }

    private static let lookupHead = """
        SELECT t.id AS token_id, t.expires_at, t.last_used_at, u.id, u.username, u.display_name, u.email, u.phone,
               u.department_id, u.role, u.customer_id, u.password_hash, u.active, u.version, u.created_at, u.updated_at
        FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash =\u{20}
        """
    private static let lookupTail = " AND t.revoked_at IS NULL LIMIT 1"
    private static let sqliteLookup = lookupHead + "?" + lookupTail

    private static func found(_ row: any SQLRow) throws -> Found? {
        guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
        let user = User()
        user.id = try row.decode(column: "id", as: UUID.self)
        user.username = try row.decode(column: "username", as: String.self)
        user.displayName = try row.decode(column: "display_name", as: String.self)
        user.email = try row.decode(column: "email", as: String?.self)
        user.phone = try row.decode(column: "phone", as: String?.self)
        user.$department.id = try row.decode(column: "department_id", as: UUID?.self)
        user.role = role
        user.customerID = try row.decode(column: "customer_id", as: UUID?.self)
        user.passwordHash = try row.decode(column: "password_hash", as: String.self)
        user.active = try row.decode(column: "active", as: Bool.self)
        user.version = try row.decode(column: "version", as: Int.self)
        user.createdAt = try row.decode(column: "created_at", as: Date?.self)
        user.updatedAt = try row.decode(column: "updated_at", as: Date?.self)
        user.$id.exists = true  // (`_$idExists` finds the id through a Mirror on every request)
        return Found(tokenID: try row.decode(column: "token_id", as: UUID.self), expiresAt: try row.decode(column: "expires_at", as: Date?.self),
                     lastUsedAt: try row.decode(column: "last_used_at", as: Date?.self), user: user)
    }

    /// How stale `last_used_at` may get before a request writes it again: a token used in bursts costs one write a
    /// minute, not one per request.
    static let lastUsedResolution: TimeInterval = 60

    /// Records when the token was last used (shown in the token list), at most once per `lastUsedResolution`. Only
    /// bookkeeping: a failed write never fails the request. The update's own condition keeps concurrent requests
    /// from writing the same minute twice.
    static func touch(_ app: Application, tokenID id: UUID, lastUsedAt: Date?, now: Date) async {
        if let last = lastUsedAt, now.timeIntervalSince(last) < lastUsedResolution, last <= now { return }
        let cutoff = now.addingTimeInterval(-lastUsedResolution)
        do {
            try await Store.write(app) { db in
                try await APIToken.query(on: db).filter(\.$id == id)
                    .group(.or) { $0.filter(\.$lastUsedAt == nil).filter(\.$lastUsedAt <= cutoff).filter(\.$lastUsedAt > now) }
                    .set(\.$lastUsedAt, to: now).update()
            }
        } catch {
            app.logger.warning("token last use not recorded", metadata: ["component": "security", "error": "\(error)"])
        }
    }
}

extension Request {
    var user: User {
        get throws {
            guard let user = auth.get(User.self) else { throw AppError.unauthorized("login required") }
            return user
        }
    }

    var actor: Actor { auth.get(User.self)?.actor ?? .system }
}
