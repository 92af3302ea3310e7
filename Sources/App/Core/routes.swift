import Vapor

func routes(_ app: Application) throws {
    let api = app.grouped("api", "v1")
    try api.register(collection: AuthAPIController())
    api.get("openapi.json", use: OpenAPIDocument.serve)

    // Issue #5: customer contacts are kept off the staff API; department staff write only on their contracts.
    let authed = api.grouped(BearerAuthMiddleware(), StaffOnlyMiddleware(), ContractScopeMiddleware())
    try authed.register(collection: IdentityAPIController())
    try authed.register(collection: AccountAPIController())
    try authed.register(collection: SignInLinkAPIController())
    try authed.register(collection: ContractTeamAPIController())
    try authed.register(collection: AttachmentAPIController())
    try authed.register(collection: ContractAPIController())
    try authed.register(collection: AuditAPIController())
    try authed.register(collection: CalendarAPIController())
    try MonitoringRoutes.register(on: authed)
    try ServiceRoutes.register(on: authed)  // issue #6
    try authed.register(collection: ReportAPIController())  // issue #7

    try WebRoutes.register(on: app)
}
