import Fluent
import Vapor

/// Every editable resource carries `version`, bumped on each change. Responses carry it as a strong ETag
/// (`"3"`); a PATCH or DELETE with `If-Match` naming an older version is refused with 412 and changes nothing.
protocol Versioned: AnyObject {
    var version: Int { get set }
}

enum Precondition {
    /// The version the client expects, from `If-Match` (`"3"`, `W/"3"` or `*`); nil when absent or `*`.
    static func expectedVersion(_ req: Request) throws -> Int? {
        guard let raw = req.headers.first(name: .ifMatch)?.trimmingCharacters(in: .whitespaces), !raw.isEmpty, raw != "*" else {
            return nil
        }
        let unquoted = raw.replacingOccurrences(of: "W/", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let v = Int(unquoted) else { throw AppError.badRequest("If-Match must be an ETag returned by this API, e.g. \"3\"") }
        return v
    }

    static func check(_ expected: Int?, against model: some Versioned) throws {
        if let expected, expected != model.version { throw AppError.staleVersion(current: model.version) }
    }
}

extension Response {
    static func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok, version: Int? = nil) throws -> Response {
        let response = Response.json(bytes: try JSONBytes.encode(value), status: status)
        if let version { response.headers.replaceOrAdd(name: .eTag, value: "\"\(version)\"") }
        return response
    }

    /// An answer whose JSON is already written.
    static func json(bytes: some Sequence<UInt8>, status: HTTPResponseStatus) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(buffer: ByteBuffer(bytes: bytes)))
    }
}
