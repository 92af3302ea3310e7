import Fluent
import Vapor

/// `/login`: the sign-in form. Before a session exists there is no session CSRF token, so the form uses a
/// double-submit token: a random cookie whose value the form must echo.
struct LoginPage: Encodable, Sendable {
    var action: String
    var next: String
    var username: String
    var error: String?
    var csrf: String
}

struct LoginWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(SitePath.login, use: form)
        routes.post(SitePath.login, use: login)
    }

    private func render(_ req: Request, username: String, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let token = req.cookies[WebCookies.loginCSRFName(req)]?.string.nonEmpty ?? req.deps.randomToken()
        let next = SitePath.safeNext(req.query[String.self, at: "next"] ?? FormBody(req).string("next")) ?? ""
        let t = req.strings
        let page = LoginPage(action: SitePath.login.path, next: next, username: username, error: error, csrf: token)
        let response = try await WebView.render(req, "login", title: t["login_title"], page, status: status)
        response.cookies[WebCookies.loginCSRFName(req)] = WebCookies.value(req, token, maxAge: 3600)
        return response
    }

    @Sendable func form(req: Request) async throws -> Response {
        try await render(req, username: "", error: nil)
    }

    @Sendable func login(req: Request) async throws -> Response {
        let body = FormBody(req)
        guard let cookie = req.cookies[WebCookies.loginCSRFName(req)]?.string, let given = body.string("csrf_token"),
              CSRFMiddleware.equal(given, cookie) else {
            throw AppError.forbidden("the sign-in form's security token is missing or out of date; reload the page and try again")
        }
        let t = req.strings
        let username = (body.string("username") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let password = body.string("password") ?? ""
        guard !username.isEmpty, !password.isEmpty else {
            return try await render(req, username: username, error: t["login_missing"], status: .unprocessableEntity)
        }
        let user: User
        do {
            user = try await AuthService.signIn(req, username: username, password: password, channel: "web")
        } catch AppError.unauthorized {
            req.logger.info("web sign-in refused", metadata: ["component": "web", "username": "\(username)"])
            return try await render(req, username: username, error: t["login_failed"], status: .unauthorized)
        } catch let locked as LoginThrottle.Locked {
            // Issue #5: throttled — say so plainly, with the wait.
            let response = try await render(req, username: username, error: t.format("login_locked", ["n": String(max(1, (locked.retryAfter + 59) / 60))]),
                                            status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: String(locked.retryAfter))
            return response
        }
        // A sign-in always gets a new token (no session fixation); a session this browser still had is ended.
        let previous: WebSession? = if let old = req.cookies[WebCookies.sessionName(req)]?.string {
            try await WebSessionService.resolve(old, now: req.now, on: req.db)?.session
        } else { nil }
        let token = try await WebSessionService.start(req.application, user: user, replacing: previous)
        // Customer contacts land on their portal and never on staff pages (issue #5).
        let landing = user.role == .customerContact ? PortalPaths.home.path : SitePath.contracts.path
        let requested = SitePath.safeNext(body.string("next"))
        let target = user.role == .customerContact ? (requested.flatMap { $0.hasPrefix(PortalPaths.home.path) ? $0 : nil } ?? landing)
                                                   : (requested.flatMap { $0.hasPrefix(PortalPaths.home.path) ? nil : $0 } ?? landing)
        let response = req.redirect(to: target, redirectType: .normal)
        response.cookies[WebCookies.sessionName(req)] = WebCookies.value(req, token, maxAge: Int(WebSessionService.absoluteLimit))
        response.cookies[WebCookies.loginCSRFName(req)] = WebCookies.expired(req)
        return response
    }

    /// `POST /logout` (behind the session and CSRF checks): ends the session server-side.
    @Sendable func logout(req: Request) async throws -> Response {
        if let session = req.webSession { try await WebSessionService.end(req.application, session, user: try req.user) }
        req.auth.logout(User.self)
        let response = req.redirect(to: SitePath.login.path, redirectType: .normal)
        response.cookies[WebCookies.sessionName(req)] = WebCookies.expired(req)
        return response
    }
}
