import Foundation
import LvyueCore
import Vapor

/// One item of the main navigation. The list is data: a new capability adds a line here.
struct NavItem: Encodable, Sendable {
    var label: String
    var url: String
    var active: Bool

    private static let items: [(key: String, route: SiteRoute, resource: Resource)] = [
        ("nav_contracts", SitePath.contracts, .contract),
        ("nav_customers", SitePath.customers, .customer),
        ("nav_dashboard", MonitorPaths.dashboard, .contract),
        ("nav_alerts", MonitorPaths.alerts, .alert),
        ("nav_escalations", MonitorPaths.escalations, .escalation),
        ("nav_inbox", MonitorPaths.notifications, .contract),
        ("nav_service", ServiceSitePaths.desk, .serviceRequest),  // issue #6
        ("nav_service_mine", ServiceSitePaths.mine, .serviceRequest),
        ("nav_calendars", CalendarWebPaths.list, .calendar),
        ("nav_templates", TemplateWebPaths.list, .template),  // issue #7
        ("nav_resources", ResourceSitePaths.load, .resourceCapacity),  // issue #10
        ("nav_feeds", ResourceSitePaths.feeds, .calendarFeed),
        ("nav_report", ReportSitePaths.report, .report),  // issue #7
        ("nav_actions", ReportSitePaths.actions, .improvementAction),
        ("nav_jobs", JobPaths.list, .job),  // issue #8
    ]

    static func visible(to role: Role?, currentPath: String, _ t: Strings) -> [NavItem] {
        guard let role else { return [] }
        let shown = items.filter { Permissions.allows(role, .read, $0.resource) }
        // The most specific item is the current one: /service/mine marks 我的服务, not also 服务台 (issue #8).
        let current = shown.map(\.route.path).filter { currentPath == $0 || currentPath.hasPrefix($0 + "/") }.max { $0.count < $1.count }
        return shown.map { NavItem(label: t[$0.key], url: $0.route.path, active: $0.route.path == current) }
    }
}

/// What the layout needs on every page: who is signed in, the navigation, the language switch, the CSRF token.
struct Shell: Encodable, Sendable {
    var lang: String
    var title: String
    var userName: String?
    var userRole: String?
    var nav: [NavItem]
    var csrf: String
    var langSwitchURL: String
    var logoutURL: String
    var passwordURL: String
    var homeURL: String
    var notice: String?

    static func make(_ req: Request, title: String) -> Shell {
        let t = req.strings
        let user = req.auth.get(User.self)
        return Shell(lang: t.lang.rawValue, title: title, userName: user?.displayName, userRole: user.map { t.label("role", $0.role) },
                     nav: NavItem.visible(to: user?.role, currentPath: req.url.path, t), csrf: req.webSession?.csrfToken ?? "",
                     langSwitchURL: switchURL(req, to: t.lang.other), logoutURL: SitePath.logout.path,
                     passwordURL: AccountPaths.password.path, homeURL: SitePath.home.path,
                     notice: req.query[String.self, at: "notice"].flatMap { Notice(rawValue: $0) }.map { t["notice_" + $0.rawValue] })
    }

    /// The current page in the other language (other query parameters kept).
    static func switchURL(_ req: Request, to lang: Lang) -> String {
        var c = URLComponents()
        c.path = req.url.path
        var items = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != "lang" && $0.name != "notice" }
        items.append(URLQueryItem(name: "lang", value: lang.rawValue))
        c.queryItems = items
        return c.string ?? "\(req.url.path)?lang=\(lang.rawValue)"
    }
}

/// Short confirmations shown after a redirect (`?notice=saved`); only these names are accepted, so a link cannot
/// inject text.
enum Notice: String {
    case saved, created, statusChanged = "status_changed", progressRecorded = "progress_recorded", stale, statusFailed = "status_failed"
}

/// Every page renders as `{t, shell, page}`: `t` is the language's strings (`#(t.contracts_title)`), `page` the
/// page's own context struct.
struct PageView<Page: Encodable & Sendable>: Encodable, Sendable {
    var t: [String: String]
    var shell: Shell
    var page: Page
}

enum WebView {
    static func render<Page: Encodable & Sendable>(_ req: Request, _ template: String, title: String, _ page: Page,
                                                   status: HTTPResponseStatus = .ok) async throws -> Response {
        let context = PageView(t: req.strings.table, shell: Shell.make(req, title: title), page: page)
        let view = try await req.view.render(template, context)
        let response = try await view.encodeResponse(status: status, for: req)
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    static func redirect(_ req: Request, to path: String, notice: Notice? = nil) -> Response {
        guard let notice else { return req.redirect(to: path, redirectType: .normal) }
        return req.redirect(to: path + (path.contains("?") ? "&" : "?") + "notice=" + notice.rawValue, redirectType: .normal)
    }
}

/// Page display helpers that do not depend on the reader's language (dates, numbers and money: `Formats`, via `t.*`).
enum Display {
    /// Progress bars without inline styles (CSP `style-src 'self'`): the width is one of the classes `w-0` … `w-100`.
    static func widthClass(_ percent: Double) -> String {
        let clamped = min(100, max(0, percent))
        return "w-\(Int((clamped / 5).rounded()) * 5)"
    }
}

/// One select option.
struct OptionView: Encodable, Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// One form field, rendered by the shared form template (label, control, the field's error next to it).
struct FieldView: Encodable, Sendable {
    var name: String
    var label: String
    /// text, textarea, date, select, number, checkboxes, password
    var kind: String
    var value: String
    var required: Bool = false
    var error: String?
    var options: [OptionView] = []
    var hint: String?
    var inputMode: String?
    var step: String?
    var wide: Bool = false
    var max: Int?
}
