import Vapor

func routes(_ app: Application) throws {
    let api = app.grouped("api", "v1")
    try api.register(collection: AuthAPIController())
    api.get("openapi.json", use: OpenAPIDocument.serve)

    let authed = api.grouped(BearerAuthMiddleware())
    try authed.register(collection: IdentityAPIController())
    try authed.register(collection: ContractAPIController())
    try authed.register(collection: AuditAPIController())
    try authed.register(collection: CalendarAPIController())
    try MonitoringRoutes.register(on: authed)

    try WebRoutes.register(on: app)
}
