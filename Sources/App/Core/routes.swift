import Vapor

func routes(_ app: Application) throws {
    let api = app.grouped("api", "v1")
    try api.register(collection: AuthAPIController())
    api.get("openapi.json", use: OpenAPIDocument.serve)

    // Issue #5: customer contacts are kept off the staff API; department staff write only on their contracts.
    // Issue #9: repeated reads are answered from memory while the database is unchanged (`ReadCache`).
    let authed = api.grouped(ReadCacheMiddleware(), AsyncMiddlewareChain(BearerAuthMiddleware(), StaffOnlyMiddleware(), ContractScopeMiddleware()))
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
    try authed.register(collection: TemplateAPIController())  // issue #7
    try authed.register(collection: ResourceAPIController())  // issue #10
    try authed.register(collection: FeedAPIController())  // issue #10
    app.get("feeds", ":token", use: FeedController.serve)  // issue #10: secret calendar URLs, no session
    ExchangeRoutes.register(api: authed)  // issue #7: exports and imports of the standard's forms
    try authed.register(collection: ReportAPIController())  // issue #7
    try authed.register(collection: JobAPIController())  // issue #8: background jobs with progress

    try WebRoutes.register(on: app)
}
