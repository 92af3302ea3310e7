import Vapor

/// The API routes of fulfilment monitoring (issue #4), registered from `routes.swift` in one line.
enum MonitoringRoutes {
    static func register(on authed: any RoutesBuilder) throws {
        try authed.register(collection: DashboardAPIController())
        try authed.register(collection: QualityResultAPIController())
        try authed.register(collection: RiskAPIController())
        try authed.register(collection: AlertAPIController())
        try authed.register(collection: EscalationAPIController())
        try authed.register(collection: NotificationAPIController())
    }
}
