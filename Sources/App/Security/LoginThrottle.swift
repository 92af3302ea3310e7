import Fluent
import SQLKit
import Vapor

/// One failed sign-in (web form or `POST /auth/token`). Kept in the database so several instances share the count.
final class LoginFailure: Model, @unchecked Sendable {  // Fluent models are confined to one task; Fluent's convention.
    static let schema = "login_failures"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "address") var address: String
    @Field(key: "at") var at: Date

    init() {}
}

struct CreateLoginFailures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LoginFailure.schema)
            .id()
            .field("username", .string, .required)
            .field("address", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX login_failures_username_at ON login_failures (username, at)").run()
        try await database.sql.raw("CREATE INDEX login_failures_address_at ON login_failures (address, at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginFailure.schema).delete()
    }
}

/// Sign-in throttling (ASVS 6.3.1): at most 5 failures per account and 20 per address in any 15 minutes. Beyond
/// that, attempts are refused without checking the password until the oldest counted failure is 15 minutes old
/// (so an account is locked for up to 15 minutes). Refused attempts are not counted, so a lockout cannot be
/// extended forever by someone hammering it. A successful sign-in clears the account's count.
enum LoginThrottle {
    static let window: TimeInterval = 15 * 60
    static let perAccount = 5
    static let perAddress = 20

    /// 429 with `Retry-After` (an `AbortError`, so `LvyueErrorMiddleware` keeps its headers).
    struct Locked: AbortError, Sendable {
        var retryAfter: Int
        var status: HTTPResponseStatus { .tooManyRequests }
        var reason: String { "too many failed sign-ins; try again in \(max(1, (retryAfter + 59) / 60)) minute(s)" }
        var headers: HTTPHeaders { ["Retry-After": String(retryAfter)] }
    }

    static func key(_ username: String) -> String { username.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }

    /// Throws `Locked` when the account or the address is over its limit.
    static func check(_ app: Application, username: String, address: String) async throws {
        let now = app.deps.now()
        let since = now.addingTimeInterval(-window)
        if let seconds = try await wait(LoginFailure.query(on: app.db).filter(\.$username == key(username)), since: since, limit: perAccount, now: now) {
            throw Locked(retryAfter: seconds)
        }
        if let seconds = try await wait(LoginFailure.query(on: app.db).filter(\.$address == address), since: since, limit: perAddress, now: now) {
            throw Locked(retryAfter: seconds)
        }
    }

    private static func wait(_ q: QueryBuilder<LoginFailure>, since: Date, limit: Int, now: Date) async throws -> Int? {
        let recent = try await q.filter(\.$at > since).sort(\.$at, .descending).limit(limit).all()
        guard recent.count >= limit, let oldest = recent.last else { return nil }
        return max(1, Int(oldest.at.addingTimeInterval(window).timeIntervalSince(now).rounded(.up)))
    }

    /// Records a failure and its security event in one transaction; a failure that reaches the account limit
    /// also records `login.locked`.
    static func recordFailure(_ app: Application, username: String, address: String, channel: String) async {
        let now = app.deps.now()
        let failure = LoginFailure()
        failure.id = app.deps.newID()
        failure.username = key(username)
        failure.address = address
        failure.at = now
        let name = key(username)
        do {
            try await Store.write(app) { db in
                try await failure.create(on: db)
                try await SecurityLog.append(on: db, at: now, actor: .system, action: "login.failed", subject: name,
                                             detail: ["username": name, "address": address, "channel": channel])
                let count = try await LoginFailure.query(on: db).filter(\.$username == name)
                    .filter(\.$at > now.addingTimeInterval(-window)).count()
                if count == perAccount {
                    try await SecurityLog.append(on: db, at: now, actor: .system, action: "login.locked", subject: name,
                                                 detail: ["username": name, "address": address, "minutes": "15"])
                }
            }
        } catch {
            app.logger.error("sign-in failure not recorded", metadata: ["component": "security", "error": "\(error)"])
        }
    }

    static func clear(_ app: Application, username: String, on db: any Database) async throws {
        try await LoginFailure.query(on: db).filter(\.$username == key(username)).delete()
    }
}
