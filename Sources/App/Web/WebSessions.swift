import Fluent
import Vapor

/// Cookie settings shared by the session, CSRF and language cookies.
enum WebCookies {
    static let session = "lvyue_session"
    /// Double-submit token for the sign-in form, before a session (and its CSRF token) exists.
    static let loginCSRF = "lvyue_csrf"

    /// The cookie names actually used: over TLS they carry the `__Host-` prefix (issue #5, ASVS 3.3.1), which makes the
    /// browser insist on Secure, Path=/ and no Domain — a sibling subdomain cannot plant or overwrite them.
    static func sessionName(_ req: Request) -> String { secure(req) ? "__Host-" + session : session }
    static func loginCSRFName(_ req: Request) -> String { secure(req) ? "__Host-" + loginCSRF : loginCSRF }

    /// `Secure` when the site is served over https (`LVYUE_BASE_URL`); a plain-http intranet install still works.
    static func secure(_ req: Request) -> Bool { req.application.config.baseURL.lowercased().hasPrefix("https") }

    static func value(_ req: Request, _ string: String, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: string, maxAge: maxAge, path: "/", isSecure: secure(req), isHTTPOnly: true, sameSite: .lax)
    }

    static func expired(_ req: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
                          isSecure: secure(req), isHTTPOnly: true, sameSite: .lax)
    }
}

/// Server-side web sessions: only the token's SHA-256 is stored; logout or deactivation ends them at once.
enum WebSessionService {
    static let idleLimit: TimeInterval = 8 * 3600
    static let absoluteLimit: TimeInterval = 7 * 24 * 3600
    /// `last_seen_at` is written at most this often, so reading pages does not turn into a stream of writes.
    static let touchInterval: TimeInterval = 60

    /// Starts a session with a fresh 256-bit token (a new one at every sign-in: session rotation), audited as `login`.
    /// Returns the token for the cookie.
    static func start(_ app: Application, user: User, replacing previous: WebSession?) async throws -> String {
        let now = app.deps.now()
        let token = app.deps.randomToken()
        let session = WebSession()
        session.id = app.deps.newID()
        session.$user.id = try user.requireID()
        session.tokenHash = TokenHash.of(token)
        session.csrfToken = app.deps.randomToken()
        session.createdAt = now
        session.lastSeenAt = now
        let pending = session
        let previousID = previous?.id
        try await Store.write(app) { db in
            if let previousID {
                try await WebSession.query(on: db).filter(\.$id == previousID).filter(\.$endedAt == nil).set(\.$endedAt, to: now).update()
            }
            try await pending.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: user.actor, action: "login", entityType: "session",
                                      entityID: pending.id!.uuidString, after: ["user": user.username])
        }
        return token
    }

    /// The live session for a cookie token and its user, or nil when unknown, ended, idle ≥ 8 h, older than 7 days,
    /// or the user was deactivated.
    static func resolve(_ token: String, now: Date, on db: any Database) async throws -> (session: WebSession, user: User)? {
        guard !token.isEmpty, let session = try await WebSession.query(on: db)
            .filter(\.$tokenHash == TokenHash.of(token))
            .filter(\.$endedAt == nil)
            .with(\.$user)
            .first()
        else { return nil }
        guard now.timeIntervalSince(session.lastSeenAt) < idleLimit,
              now.timeIntervalSince(session.createdAt) < absoluteLimit,
              session.user.active
        else { return nil }
        return (session, session.user)
    }

    static func touch(_ app: Application, _ session: WebSession, now: Date) async throws {
        guard now.timeIntervalSince(session.lastSeenAt) >= touchInterval, let id = session.id else { return }
        try await Store.write(app) { db in
            try await WebSession.query(on: db).filter(\.$id == id).set(\.$lastSeenAt, to: now).update()
        }
        session.lastSeenAt = now
    }

    /// Ends the session server-side (the cookie is worthless afterwards), audited as `logout`.
    static func end(_ app: Application, _ session: WebSession, user: User) async throws {
        let now = app.deps.now()
        guard let id = session.id else { return }
        try await Store.write(app) { db in
            try await WebSession.query(on: db).filter(\.$id == id).filter(\.$endedAt == nil).set(\.$endedAt, to: now).update()
            try await AuditLog.append(on: db, at: now, actor: user.actor, action: "logout", entityType: "session",
                                      entityID: id.uuidString, after: ["user": user.username])
        }
    }
}

extension Request {
    private struct WebSessionKey: StorageKey { typealias Value = WebSession }

    /// The signed-in web session (set by `WebAuthMiddleware`).
    var webSession: WebSession? {
        get { storage[WebSessionKey.self] }
        set { storage[WebSessionKey.self] = newValue }
    }
}

/// Loads the session from the `lvyue_session` cookie and logs its user in; without one, sends the browser to
/// the sign-in page with `next` set to where it wanted to go.
struct WebAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let now = request.now
        if let token = request.cookies[WebCookies.sessionName(request)]?.string,
           let found = try await WebSessionService.resolve(token, now: now, on: request.db) {
            try await WebSessionService.touch(request.application, found.session, now: now)
            request.webSession = found.session
            request.auth.login(found.user)
            return try await next.respond(to: request)
        }
        let target = request.method == .GET ? request.url.string : SitePath.home.path
        return WebAuthMiddleware.redirectToLogin(request, next: target)
    }

    static func redirectToLogin(_ req: Request, next: String?) -> Response {
        var location = SitePath.login.path
        if let next = SitePath.safeNext(next), next != SitePath.home.path {
            var c = URLComponents()
            c.queryItems = [URLQueryItem(name: "next", value: next)]
            location += "?" + (c.percentEncodedQuery ?? "")
        }
        let response = req.redirect(to: location, redirectType: .normal)
        if req.cookies[WebCookies.sessionName(req)] != nil { response.cookies[WebCookies.sessionName(req)] = WebCookies.expired(req) }
        return response
    }
}

/// Refuses any state-changing request whose `csrf_token` form field (or `X-CSRF-Token` header) does not equal the
/// session's token. GET and HEAD never change state, so they pass.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if ![.GET, .HEAD, .OPTIONS].contains(request.method) {
            guard let expected = request.webSession?.csrfToken,
                  let given = CSRFMiddleware.submittedToken(request),
                  CSRFMiddleware.equal(given, expected)
            else { throw AppError.forbidden("the form's security token is missing or out of date; reload the page and try again") }
        }
        return try await next.respond(to: request)
    }

    static func submittedToken(_ req: Request) -> String? {
        if let header = req.headers.first(name: "X-CSRF-Token"), !header.isEmpty { return header }
        // File upload forms (issue #5) are multipart; their token is a form part like any other field.
        if req.headers.contentType?.type == "multipart" { return try? req.content.get(String.self, at: "csrf_token") }
        return FormBody(req).string("csrf_token")
    }

    /// Compares without an early exit, so timing does not reveal how much of a guess was right.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
