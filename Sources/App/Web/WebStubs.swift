import Vapor

enum WebErrorPage {
    static func render(_ req: Request, status: HTTPResponseStatus, code: String, message: String) async -> Response {
        let r = Response(status: status)
        r.body = .init(string: message)
        return r
    }
}

enum WebRoutes {
    static func register(on app: Application) throws {}
}

enum OpenAPIDocument {
    @Sendable static func serve(req: Request) async throws -> Response { Response(status: .ok) }
}

enum DemoData {
    static func loadOnce(_ app: Application) async throws {}
}
