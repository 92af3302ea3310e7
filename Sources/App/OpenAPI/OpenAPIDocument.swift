import Foundation
import Vapor

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`. Built from the small schema
/// vocabulary below; `OpenAPIDriftTests` fails when a route exists without an operation here (or the reverse)
/// and validates real responses against these schemas.
enum OpenAPIDocument {
    static let data: Data = {
        (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }()

    @Sendable static func serve(req: Request) async throws -> Response {
        let response = Response.json(bytes: data, status: .ok)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }

    static var document: [String: Any] {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "lvyue API",
                "version": "1.0.0",
                "description": "Contract fulfilment and after-sales service management (履约). JSON with snake_case fields; "
                    + "times are ISO-8601 with offset; money is a decimal string. Lists are paginated with `limit` and `cursor`. "
                    + "Every editable resource has `version`: GET returns it as ETag, PATCH/DELETE honour If-Match (412 when stale).",
            ] as [String: Any],
            "servers": [["url": "/api/v1"]],
            "security": [["bearer": [String]()]],
            "paths": Paths.all,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": Schemas.all,
            ] as [String: Any],
        ]
    }
}

/// JSON Schema building blocks (OpenAPI 3.1: nullable is a type union with "null").
enum S {
    static var string: [String: Any] { ["type": "string"] }
    static var stringN: [String: Any] { ["type": ["string", "null"]] }
    static var int: [String: Any] { ["type": "integer"] }
    static var number: [String: Any] { ["type": "number"] }
    static var bool: [String: Any] { ["type": "boolean"] }
    static var uuid: [String: Any] { ["type": "string", "format": "uuid"] }
    static var uuidN: [String: Any] { ["type": ["string", "null"], "format": "uuid"] }
    static var date: [String: Any] { ["type": "string", "format": "date"] }
    static var dateN: [String: Any] { ["type": ["string", "null"], "format": "date"] }
    static var time: [String: Any] { ["type": "string", "format": "date-time"] }
    static var timeN: [String: Any] { ["type": ["string", "null"], "format": "date-time"] }
    static var money: [String: Any] { ["type": "string", "pattern": "^[0-9]{1,15}(\\.[0-9]{1,2})?$", "description": "decimal amount, e.g. 1250000.00"] }
    static var moneyN: [String: Any] { ["type": ["string", "null"], "pattern": "^[0-9]{1,15}(\\.[0-9]{1,2})?$"] }

    static func enumeration<E: CaseIterable & RawRepresentable>(_ type: E.Type, nullable: Bool = false) -> [String: Any] where E.RawValue == String {
        let values: [Any] = E.allCases.map(\.rawValue) + (nullable ? [NSNull()] : [])
        return ["type": nullable ? ["string", "null"] : "string", "enum": values]
    }

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    static func array(_ items: [String: Any]) -> [String: Any] { ["type": "array", "items": items] }

    static func object(_ properties: [String: [String: Any]], required: [String] = []) -> [String: Any] {
        var o: [String: Any] = ["type": "object", "properties": properties]
        if !required.isEmpty { o["required"] = required.sorted() }
        return o
    }

    /// A response object: every non-nullable property is always present; nullable ones are absent when empty.
    static func response(_ properties: [String: [String: Any]]) -> [String: Any] {
        object(properties, required: properties.filter { !($0.value["type"] is [String]) }.map(\.key))
    }

    static func page(of item: String) -> [String: Any] {
        object(["items": array(ref(item)), "next_cursor": stringN], required: ["items"])
    }
}
