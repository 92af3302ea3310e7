import Fluent
import Vapor

/// `/account/password`: change one's password (staff and customers), optionally signing out every other session.
struct PasswordPage: Encodable, Sendable {
    var action: String
    var backURL: String
    var error: String?
    var fieldErrors: [String: String]
    var done: Bool
    var ended: Int
    var tokensURL: String = AccountPaths.tokens.path
}

/// `/account/tokens`: one's own API tokens — when each was made, expires and was last used (to the minute).
struct TokensPage: Encodable, Sendable {
    struct Row: Encodable, Sendable { var name, created, expires, lastUsed, state: String; var active: Bool }
    var rows: [Row]
    var isEmpty: Bool
    var backURL: String
}

struct AccountWebController {
    func register(on routes: any RoutesBuilder) {
        routes.get(AccountPaths.password, use: form)
        routes.post(AccountPaths.password, use: change)
        routes.get(AccountPaths.tokens, use: tokens)
    }

    @Sendable func tokens(req: Request) async throws -> Response {
        let t = req.strings
        let now = req.now
        let rows = try await APIToken.query(on: req.db).filter(\.$user.$id == (try req.user.requireID()))
            .sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(500).all()
            .map { token -> TokensPage.Row in
                let expired = token.expiresAt.map { $0 <= now } ?? false
                let state = token.revokedAt != nil ? t["tokens_revoked"] : expired ? t["tokens_expired"] : t["tokens_active"]
                return .init(name: token.name, created: t.time(token.createdAt), expires: token.expiresAt.map { t.time($0) } ?? t["tokens_never"],
                             lastUsed: token.lastUsedAt.map { t.time($0) } ?? t["tokens_unused"], state: state,
                             active: token.revokedAt == nil && !expired)
            }
        let page = TokensPage(rows: rows, isEmpty: rows.isEmpty, backURL: AccountPaths.password.path)
        return try await WebView.render(req, "account/tokens", title: t["tokens_title"], page)
    }

    private func back(_ req: Request) -> String {
        (try? req.user.role) == .customerContact ? PortalPaths.home.path : SitePath.contracts.path
    }

    @Sendable func form(req: Request) async throws -> Response {
        let page = PasswordPage(action: AccountPaths.password.path, backURL: back(req), error: nil, fieldErrors: [:], done: false, ended: 0)
        return try await WebView.render(req, "account/password", title: req.strings["password_title"], page)
    }

    @Sendable func change(req: Request) async throws -> Response {
        let body = FormBody(req)
        let t = req.strings
        let new = body.string("new_password") ?? ""
        if new != (body.string("confirm_password") ?? "") {
            let page = PasswordPage(action: AccountPaths.password.path, backURL: back(req), error: nil,
                                    fieldErrors: ["confirm_password": t["password_mismatch"]], done: false, ended: 0)
            return try await WebView.render(req, "account/password", title: t["password_title"], page, status: .unprocessableEntity)
        }
        do {
            let ended = try await AccountService.changePassword(req, user: try req.user, current: body.string("current_password"), new: new,
                                                                signOutOthers: body.string("sign_out_others") != nil, keeping: req.webSession)
            let page = PasswordPage(action: AccountPaths.password.path, backURL: back(req), error: nil, fieldErrors: [:], done: true, ended: ended)
            return try await WebView.render(req, "account/password", title: t["password_title"], page)
        } catch let error as AppError {
            guard case .invalid(let fields) = error else { throw error }
            let page = PasswordPage(action: AccountPaths.password.path, backURL: back(req), error: t["form_error_banner"],
                                    fieldErrors: fields.mapValues { FieldMessages.localize($0, t) }, done: false, ended: 0)
            return try await WebView.render(req, "account/password", title: t["password_title"], page, status: .unprocessableEntity)
        } catch let locked as LoginThrottle.Locked {
            let page = PasswordPage(action: AccountPaths.password.path, backURL: back(req),
                                    error: t.format("login_locked", ["n": String(max(1, (locked.retryAfter + 59) / 60))]),
                                    fieldErrors: [:], done: false, ended: 0)
            let response = try await WebView.render(req, "account/password", title: t["password_title"], page, status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: String(locked.retryAfter))
            return response
        }
    }
}
