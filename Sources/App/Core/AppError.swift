import Vapor

/// Every error the domain can raise, with the context a user needs. Mapped to HTTP in one place
/// (`httpStatus`, `code`), so controllers never pick status codes themselves.
enum AppError: Error, Sendable {
    /// Syntactically broken input (malformed JSON, a body that is not an object). 400.
    case badRequest(String)
    /// Missing or invalid credentials. 401.
    case unauthorized(String)
    /// Authenticated but not allowed. 403.
    case forbidden(String)
    /// No such entity, or one the caller may not know exists. 404.
    case notFound(entity: String, id: String)
    /// A unique value is already taken (duplicate contract number …). 409.
    case duplicate(field: String, reason: String)
    /// A state change that the entity's current state forbids. 409.
    case conflict(code: String, message: String)
    /// `If-Match` names a version that is no longer current. 412.
    case staleVersion(current: Int)
    /// Body above the route's limit. 413.
    case payloadTooLarge(limit: String)
    /// Well-formed input whose fields break rules; every bad field named with a reason. 422.
    case invalid(fields: [String: String])
    /// A domain rule that refuses the request as a whole (e.g. calendar data missing). 422.
    case unprocessable(code: String, message: String, fields: [String: String] = [:])
    /// Too many attempts. 429.
    case tooManyRequests(String)

    var httpStatus: HTTPResponseStatus {
        switch self {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .duplicate, .conflict: .conflict
        case .staleVersion: .preconditionFailed
        case .payloadTooLarge: .payloadTooLarge
        case .invalid, .unprocessable: .unprocessableEntity
        case .tooManyRequests: .tooManyRequests
        }
    }

    var code: String {
        switch self {
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .duplicate: "duplicate"
        case .conflict(let code, _): code
        case .staleVersion: "stale_version"
        case .payloadTooLarge: "payload_too_large"
        case .invalid: "invalid"
        case .unprocessable(let code, _, _): code
        case .tooManyRequests: "too_many_requests"
        }
    }

    var message: String {
        switch self {
        case .badRequest(let m), .unauthorized(let m), .forbidden(let m), .tooManyRequests(let m): m
        case .notFound(let entity, let id): "\(entity) \(id) not found"
        case .duplicate(let field, let reason): "\(field): \(reason)"
        case .conflict(_, let m): m
        case .staleVersion(let current): "the resource has changed (current version \(current)); reload and retry"
        case .payloadTooLarge(let limit): "request body larger than \(limit)"
        case .invalid(let fields): "invalid input: " + fields.keys.sorted().joined(separator: ", ")
        case .unprocessable(_, let m, _): m
        }
    }

    var fields: [String: String] {
        switch self {
        case .invalid(let f), .unprocessable(_, _, let f): f
        case .duplicate(let field, let reason): [field: reason]
        default: [:]
        }
    }
}

/// The JSON error envelope of DESIGN.md §6.
struct ErrorEnvelope: Content {
    struct Body: Content {
        var code: String
        var message: String
        var fields: [String: String]?
    }
    var error: Body
}
