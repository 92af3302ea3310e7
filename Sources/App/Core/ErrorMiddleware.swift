import Vapor

/// The one place where errors become responses: the JSON envelope on `/api`, a friendly page on the web.
/// Unknown errors are logged as critical and answered with a generic 500 that leaks nothing.
///
/// A future-based middleware rather than an async one: an answer that is not an error passes through on its event loop
/// without a hop to the concurrency pool (every request crosses this; only errors take the async path).
struct LvyueErrorMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            request.eventLoop.makeFutureWithTask { try await Self.answer(error, to: request) }
        }
    }

    static func answer(_ error: any Error, to request: Request) async throws -> Response {
        let mapped = Self.map(error)
        if mapped.status.code >= 500 {
            request.logger.critical("unhandled error", metadata: ["component": "http", "error": "\(String(reflecting: error))"])
        }
        if request.url.path.hasPrefix("/api/") || request.url.path == "/api" {
            let body = ErrorEnvelope(error: .init(code: mapped.code, message: mapped.message,
                                                  fields: mapped.fields.isEmpty ? nil : mapped.fields))
            let response = Response.json(bytes: try JSONBytes.encode(body), status: mapped.status)
            if mapped.status == .unauthorized {
                response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer")
            }
            Self.keepRetryAfter(error, response)
            return response
        }
        let page = await WebErrorPage.render(request, status: mapped.status, code: mapped.code, message: mapped.message)
        Self.keepRetryAfter(error, page)
        return page
    }

    /// A throttled request (issue #5), or a write that found the database busy, says when to come back.
    static func keepRetryAfter(_ error: any Error, _ response: Response) {
        if let abort = error as? any AbortError, let value = abort.headers.first(name: "Retry-After") {
            response.headers.replaceOrAdd(name: "Retry-After", value: value)
        }
    }

    struct Mapped {
        var status: HTTPResponseStatus
        var code: String
        var message: String
        var fields: [String: String]
    }

    static func map(_ error: any Error) -> Mapped {
        switch error {
        case let e as AppError:
            return Mapped(status: e.httpStatus, code: e.code, message: e.message, fields: e.fields)
        case let e as any AbortError:
            let code: String = switch e.status {
            case .notFound: "not_found"
            case .payloadTooLarge: "payload_too_large"
            case .unsupportedMediaType: "unsupported_media_type"
            case .methodNotAllowed: "method_not_allowed"
            case .badRequest: "bad_request"
            case .unauthorized: "unauthorized"
            case .forbidden: "forbidden"
            case .tooManyRequests: "too_many_requests"
            case .serviceUnavailable: "busy"
            default: e.status.code >= 500 ? "internal" : "error"
            }
            let message = e.status == .notFound && e.reason == "Not Found" ? "no such route" : e.reason
            return Mapped(status: e.status, code: code, message: message, fields: [:])
        case is DecodingError:
            return Mapped(status: .badRequest, code: "bad_request", message: "the request could not be decoded", fields: [:])
        default:
            return Mapped(status: .internalServerError, code: "internal", message: "internal error; the event was logged", fields: [:])
        }
    }
}
