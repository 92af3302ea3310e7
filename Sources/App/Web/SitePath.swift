import Foundation
import LvyueCore
import Vapor

/// A web route without parameters: the same value registers the route and builds links to it.
struct SiteRoute: Sendable {
    let template: String
    var path: String { template }
    var components: [PathComponent] { template.pathComponents }
}

/// A web route with one `:id` parameter. Links to it are built on every write that raises an alert, so the template
/// is split around its parameter once rather than searched on each link.
struct SiteRoute1: Sendable {
    let template: String
    private let head: Substring
    private let tail: Substring

    init(template: String) {
        self.template = template
        let range = template.range(of: ":id")
        head = template[..<(range?.lowerBound ?? template.endIndex)]
        tail = template[(range?.upperBound ?? template.endIndex)...]
    }

    func path(_ id: UUID) -> String { head + Hex.uuidString(id, lowercase: true) + tail }
    var components: [PathComponent] { template.pathComponents }
}

/// Every page and form target of the web UI, in one place (routes and links both come from here).
enum SitePath {
    static let home = SiteRoute(template: "/")
    static let login = SiteRoute(template: "/login")
    static let logout = SiteRoute(template: "/logout")

    static let contracts = SiteRoute(template: "/contracts")
    static let contractNew = SiteRoute(template: "/contracts/new")
    static let contract = SiteRoute1(template: "/contracts/:id")
    static let contractEdit = SiteRoute1(template: "/contracts/:id/edit")
    static let contractStatus = SiteRoute1(template: "/contracts/:id/status")

    static let clauseNew = SiteRoute1(template: "/contracts/:id/clauses/new")
    static let clauseEdit = SiteRoute1(template: "/clauses/:id/edit")
    static let responsibilityNew = SiteRoute1(template: "/contracts/:id/responsibilities/new")
    static let responsibilityEdit = SiteRoute1(template: "/responsibilities/:id/edit")
    static let milestoneNew = SiteRoute1(template: "/contracts/:id/milestones/new")
    static let milestone = SiteRoute1(template: "/milestones/:id")
    static let milestoneEdit = SiteRoute1(template: "/milestones/:id/edit")
    static let milestoneProgress = SiteRoute1(template: "/milestones/:id/progress")
    static let paymentNew = SiteRoute1(template: "/contracts/:id/payments/new")
    static let paymentEdit = SiteRoute1(template: "/payments/:id/edit")

    static let customers = SiteRoute(template: "/customers")
    static let customerNew = SiteRoute(template: "/customers/new")
    static let customer = SiteRoute1(template: "/customers/:id")
    static let customerEdit = SiteRoute1(template: "/customers/:id/edit")
    static let contactNew = SiteRoute1(template: "/customers/:id/contacts/new")
    static let contactEdit = SiteRoute1(template: "/contacts/:id/edit")

    /// Where the sign-in page may send the user afterwards: only a local path, never another site
    /// (`//evil.example`, `/\evil.example`) — the `next` parameter is attacker-controlled.
    static func safeNext(_ raw: String?) -> String? {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.hasPrefix("/\\"), raw.count <= 2000,
              !raw.contains(where: { $0.isNewline || $0 == "\\" }) else { return nil }
        if raw.hasPrefix(login.path) || raw.hasPrefix(logout.path) { return nil }
        return raw
    }
}

extension RoutesBuilder {
    @discardableResult
    func get(_ route: SiteRoute, use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable) -> Route {
        get(route.components, use: closure)
    }
    @discardableResult
    func post(_ route: SiteRoute, use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable) -> Route {
        post(route.components, use: closure)
    }
    @discardableResult
    func get(_ route: SiteRoute1, use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable) -> Route {
        get(route.components, use: closure)
    }
    @discardableResult
    func post(_ route: SiteRoute1, use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable) -> Route {
        post(route.components, use: closure)
    }
}
