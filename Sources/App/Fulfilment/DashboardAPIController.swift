import LvyueCore
import Vapor

struct DashboardAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("dashboard", use: dashboard)
        for list in DashboardList.allCases {
            routes.get("dashboard", .constant(list.rawValue)) { req in try await Self.list(req, list) }
        }
    }

    @Sendable func dashboard(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .contract)
        let filter = try DashboardFilter(req)
        var check = FieldCheck()
        let limit = check.limit(req, default: DashboardService.defaultLimit, max: DashboardService.maxLimit)
        try check.throwIfAny()
        let calendar = try await req.application.calendars.calendar("7x24", on: req.db)
        return try .json(try await DashboardService.query(filter, limit: limit, on: req.db, now: req.now, calendar: calendar))
    }

    /// One page of a dashboard list, in the dashboard's order, under the dashboard's filters: `limit` (1–200, default
    /// 50) rows after `cursor`.
    static func list(_ req: Request, _ list: DashboardList) async throws -> Response {
        try Permissions.require(req, .read, .contract)
        let filter = try DashboardFilter(req)
        var check = FieldCheck()
        let limit = check.limit(req, default: 50, max: 200)
        var cursor: DashboardCursor?
        if let raw = req.query[String.self, at: "cursor"], !raw.isEmpty {
            if let c = DashboardCursor(raw), list.accepts(c) { cursor = c } else { check.fail("cursor", "is not a cursor returned by this list") }
        }
        try check.throwIfAny()
        let f = DashboardService.where_(filter)
        let today = LocalDate(date: req.now, in: JSONCoding.displayTimeZone)
        // One row more than the page says whether there is a next page.
        let w = DashboardWindow(limit: limit + 1, after: cursor)
        let db = req.db
        switch list {
        case .lateMilestones:
            return try .json(Self.page(try await DashboardService.lateMilestones(where: f, today: today, w, on: db), limit) {
                DashboardCursor(key: $0.plannedOn, id: $0.milestoneId)
            })
        case .upcomingMilestones:
            return try .json(Self.page(try await DashboardService.upcomingMilestones(where: f, today: today, w, on: db), limit) {
                DashboardCursor(key: $0.plannedOn, id: $0.milestoneId)
            })
        case .overduePayments:
            return try .json(Self.page(try await DashboardService.overduePayments(where: f, today: today, w, on: db), limit) {
                DashboardCursor(key: $0.dueOn, id: $0.paymentId)
            })
        case .firedRisks:
            return try .json(Self.page(try await DashboardService.firedRisks(where: f, w, on: db), limit) {
                DashboardCursor(key: "\($0.score)", id: $0.riskId)
            })
        }
    }

    private static func page<Item: Content>(_ rows: [Item], _ limit: Int, cursor: (Item) -> DashboardCursor) -> Page<Item> {
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: rows.count > limit ? items.last.map { cursor($0).description } : nil)
    }
}
