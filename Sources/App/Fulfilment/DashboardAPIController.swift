import Vapor

struct DashboardAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("dashboard", use: dashboard)
    }

    @Sendable func dashboard(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .contract)
        let filter = try DashboardFilter(req)
        let calendar = try await req.application.calendars.calendar("7x24", on: req.db)
        return try .json(try await DashboardService.query(filter, on: req.db, now: req.now, calendar: calendar))
    }
}
