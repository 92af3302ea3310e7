import Vapor

/// The friendly error page of every non-API path (called by `LvyueErrorMiddleware`).
struct ErrorPage: Encodable, Sendable {
    var status: Int
    var heading: String
    var message: String
    var detail: String?
    var homeURL: String
}

enum WebErrorPage {
    static func render(_ req: Request, status: HTTPResponseStatus, code: String, message: String) async -> Response {
        // Not signed in (or the session ended): back to the sign-in page, then to where the user was going.
        if status == .unauthorized {
            return WebAuthMiddleware.redirectToLogin(req, next: req.method == .GET ? req.url.string : nil)
        }
        let t = req.strings
        let known = t.table["error_code.\(code)"] != nil
        let page = ErrorPage(status: Int(status.code), heading: t.table["error_status.\(status.code)"] ?? t["error_title"],
                             message: known ? t["error_code.\(code)"] : t["error_generic"],
                             detail: status.code >= 500 ? nil : message, homeURL: SitePath.home.path)
        do {
            return try await WebView.render(req, "error", title: page.heading, page, status: status)
        } catch {
            req.logger.error("error page failed to render", metadata: ["component": "web", "error": "\(error)"])
            let response = Response(status: status, body: .init(string: "\(status.code) \(t["error_title"])"))
            response.headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
            return response
        }
    }
}

/// Registers the web UI: public pages (sign-in), then everything else behind the session and CSRF checks.
enum WebRoutes {
    static func register(on app: Application) throws {
        // Read (and check) the locale files once at boot rather than at the first request.
        _ = try Localization.load(from: Resources.locales)
        _ = Localization.shared

        let web = app.grouped(LanguageCookieMiddleware())
        let login = LoginWebController()
        login.register(on: web)
        SignInLinkWebController().register(on: web)

        let session = web.grouped(WebAuthMiddleware(), CSRFMiddleware())
        session.post(SitePath.logout, use: login.logout)
        // Issue #5: one's own account (staff and customers), the customer portal, and the staff pages — which customer
        // contacts never reach and where department staff change only their own contracts.
        AccountWebController().register(on: session)
        PortalWebController().register(on: session.grouped(CustomerOnlyMiddleware()))
        let authed = session.grouped(StaffOnlyMiddleware(), ContractScopeMiddleware())
        AttachmentWebController().register(on: authed)
        ContractWebController().register(on: authed)
        ChildFormRoutes<ClauseForm>().register(on: authed)
        ChildFormRoutes<ResponsibilityForm>().register(on: authed)
        ChildFormRoutes<MilestoneForm>().register(on: authed)
        ChildFormRoutes<PaymentForm>().register(on: authed)
        MilestoneWebController().register(on: authed)
        CustomerWebController().register(on: authed)
        MonitoringWebController().register(on: authed)  // issue #4: dashboard, alerts, escalations, inbox, risk register
        ServiceWebController().register(on: authed)  // issue #6: service desk, requests, plans, triage
        RatingWebController().register(on: web)  // issue #6: the public rating page of a tokenized link
        CalendarWebController().register(on: authed)
        TemplateWebController().register(on: authed)  // issue #7: template library, revision list, applying to contracts
        ResourceWebController().register(on: authed)  // issue #10: resource plans, load, risk reviews, calendar feeds
        ExchangeRoutes.register(web: authed)  // issue #7: export buttons, contract import
        ReportWebController().register(on: authed)  // issue #7: quarterly report, improvement actions
        JobWebController().register(on: authed)  // issue #8: background jobs, their progress and results
    }
}
