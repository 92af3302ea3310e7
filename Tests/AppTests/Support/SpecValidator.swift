@testable import App
import Foundation
import Testing

/// Checks real responses against the served OpenAPI document: the operation must exist, the status must be
/// documented, and a JSON body must satisfy its schema (type, required, properties, enum, format, items, $ref).
/// Every `env.api` call in the tests goes through it, so the document cannot drift from the server unnoticed.
enum SpecValidator {
    nonisolated(unsafe) static let spec: [String: Any] = OpenAPIDocument.document
    static var paths: [String: Any] { spec["paths"] as? [String: Any] ?? [:] }
    static var schemas: [String: Any] { (spec["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:] }

    /// The spec path template matching a concrete path, e.g. /contracts/{id} for /contracts/0190…
    static func template(for path: String) -> String? {
        let segments = path.split(separator: "/").map(String.init)
        let candidates = paths.keys.filter { template in
            let t = template.split(separator: "/").map(String.init)
            guard t.count == segments.count else { return false }
            return zip(t, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        // Prefer literal segments over parameters (/contracts/{id} vs a literal sibling).
        return candidates.max { a, b in a.filter { $0 == "{" }.count > b.filter { $0 == "{" }.count }
    }

    static func problems(method: String, path: String, status: Int, body: Data) -> [String] {
        let bare = String(path.split(separator: "?", maxSplits: 1).first ?? "")
        guard let template = template(for: bare), let ops = paths[template] as? [String: Any],
              let op = ops[method.lowercased()] as? [String: Any] else {
            return status == 404 || status == 405 ? [] : ["\(method) \(bare): no operation in the OpenAPI document"]
        }
        guard let responses = op["responses"] as? [String: Any], let response = responses[String(status)] as? [String: Any] else {
            return ["\(method) \(template): status \(status) is not documented"]
        }
        guard let content = response["content"] as? [String: Any],
              let json = content["application/json"] as? [String: Any], let schema = json["schema"] as? [String: Any] else {
            return []
        }
        guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            return ["\(method) \(template) \(status): body is not JSON"]
        }
        return validate(value, schema, at: "\(method) \(template) \(status) $")
    }

    static func validate(_ value: Any, _ schema: [String: Any], at path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.split(separator: "/").last ?? "")
            guard let target = schemas[name] as? [String: Any] else { return ["\(path): unknown schema \(name)"] }
            return validate(value, target, at: path)
        }
        var problems: [String] = []
        let types: [String] = (schema["type"] as? [String]) ?? ((schema["type"] as? String).map { [$0] } ?? [])
        if !types.isEmpty && !types.contains(where: { matches(value, $0) }) {
            return ["\(path): expected \(types.joined(separator: "|")), got \(value)"]
        }
        if let allowed = schema["enum"] as? [Any], !(value is NSNull) {
            if !allowed.contains(where: { "\($0)" == "\(value)" }) { problems.append("\(path): \(value) not in enum") }
        }
        if let s = value as? String, let format = schema["format"] as? String {
            switch format {
            case "uuid": if UUID(uuidString: s) == nil { problems.append("\(path): not a uuid: \(s)") }
            case "date": if s.count != 10 || s.split(separator: "-").count != 3 { problems.append("\(path): not a date: \(s)") }
            case "date-time": if JSONCoding.parseInstant(s) == nil { problems.append("\(path): not a date-time with offset: \(s)") }
            default: break
            }
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path): missing required \(key)")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, v) in object {
                if let sub = properties[key] as? [String: Any] {
                    problems += validate(v, sub, at: "\(path).\(key)")
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    problems += validate(v, extra, at: "\(path).\(key)")
                } else if !properties.isEmpty {
                    problems.append("\(path): undocumented property \(key)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, v) in array.enumerated() { problems += validate(v, items, at: "\(path)[\(i)]") }
        }
        return problems
    }

    static func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "string": return value is String
        case "boolean": return isBool(value)
        case "integer": return !isBool(value) && (value as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } ?? false
        case "number": return !isBool(value) && value is NSNumber
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        default: return true
        }
    }

    static func isBool(_ value: Any) -> Bool {
        guard let n = value as? NSNumber else { return false }
        return String(cString: n.objCType) == "c" || type(of: n) == type(of: NSNumber(value: true))
    }
}
