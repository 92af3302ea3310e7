import Vapor

/// Exports and imports of the standard's forms (issue #7), registered from `routes.swift` and `WebRoutes` in one line each.
enum ExchangeRoutes {
    static func register(api: any RoutesBuilder) {
        ExportController().register(api: api)
        ImportController().register(api: api)
    }

    static func register(web: any RoutesBuilder) {
        ExportController().register(web: web)
        ImportWebController().register(on: web)
    }
}
