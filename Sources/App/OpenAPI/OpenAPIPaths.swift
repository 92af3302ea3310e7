import Foundation
import LvyueCore

/// Operations, grouped the way the routes are registered.
enum Paths {
    static var all: [String: Any] {
        var paths: [String: [String: Any]] = [:]
        func add(_ path: String, _ method: String, _ op: [String: Any]) { paths[path, default: [:]][method] = op }

        add("/auth/token", "post", Op.make("auth", "Exchange a username and password for a bearer token", body: "TokenRequest",
                                           responses: ["201": "Token"], errors: [400, 401, 422, 429], security: false))
        add("/openapi.json", "get", Op.make("meta", "This document", responses: ["200": nil], errors: [], security: false))
        add("/me", "get", Op.make("identity", "The calling user", responses: ["200": "User"], errors: [401]))

        crud(&paths, path: "/departments", tag: "identity", schema: "Department", create: "DepartmentCreate", patch: "DepartmentPatch",
             filters: [], delete: false)
        crud(&paths, path: "/users", tag: "identity", schema: "User", create: "UserCreate", patch: "UserPatch",
             filters: [Op.query("department_id", S.uuid), Op.query("role", S.enumeration(Role.self))], delete: false)
        crud(&paths, path: "/customers", tag: "customers", schema: "Customer", create: "CustomerInput", patch: "CustomerInput",
             filters: [Op.query("q", S.string, "name contains")], delete: true)
        add("/customers/{id}/contacts", "get", Op.make("customers", "List a customer's contacts", params: [Op.id] + Op.pageParams,
                                                       responses: ["200": "ContactPage"], errors: [401, 403, 404, 422]))
        add("/customers/{id}/contacts", "post", Op.make("customers", "Add a contact", params: [Op.id], body: "ContactInput",
                                                        responses: ["201": "Contact"], errors: [400, 401, 403, 404, 413, 422]))
        item(&paths, path: "/contacts/{id}", tag: "customers", schema: "Contact", patch: "ContactInput", delete: true)

        crud(&paths, path: "/contracts", tag: "contracts", schema: "Contract", create: "ContractInput", patch: "ContractInput",
             filters: [Op.query("q", S.string, "number or title contains"), Op.query("status", S.enumeration(ContractStatus.self)),
                       Op.query("category", S.enumeration(ContractCategory.self)), Op.query("customer_id", S.uuid),
                       Op.query("owner_id", S.uuid), Op.query("department_id", S.uuid)], delete: true)
        for (segment, schema, input, tag) in [("clauses", "Clause", "ClauseInput", "clauses"),
                                              ("responsibilities", "Responsibility", "ResponsibilityInput", "responsibilities"),
                                              ("milestones", "Milestone", "MilestoneInput", "milestones"),
                                              ("payments", "Payment", "PaymentInput", "payments")] {
            let parent = Op.path("contract_id")
            add("/contracts/{contract_id}/\(segment)", "get", Op.make(tag, "List the contract's \(segment)", params: [parent] + Op.pageParams,
                                                                       responses: ["200": schema + "Page"], errors: [401, 403, 404, 422]))
            add("/contracts/{contract_id}/\(segment)", "post", Op.make(tag, "Add to the contract's \(segment)", params: [parent], body: input,
                                                                        responses: ["201": schema], errors: [400, 401, 403, 404, 409, 413, 422]))
            item(&paths, path: "/\(segment)/{id}", tag: tag, schema: schema, patch: input, delete: true)
        }
        add("/milestones/{id}/updates", "get", Op.make("milestones", "Progress history of a milestone", params: [Op.id] + Op.pageParams,
                                                        responses: ["200": "MilestoneUpdatePage"], errors: [401, 403, 404, 422]))
        add("/milestones/{id}/updates", "post", Op.make("milestones", "Record progress (percentage, actual date, delay cause, next step)",
                                                         params: [Op.id, Op.ifMatch], body: "MilestoneUpdateInput",
                                                         responses: ["201": "MilestoneUpdateResult"], errors: [400, 401, 403, 404, 412, 413, 422]))
        add("/audit", "get", Op.make("audit", "Audit events, newest first", params: [
            Op.query("entity_type", S.string), Op.query("entity_id", S.string),
            Op.query("limit", ["type": "integer", "minimum": 1, "maximum": 200]), Op.query("cursor", S.string),
        ], responses: ["200": "AuditEventPage"], errors: [401, 403, 422]))

        for (path, methods) in CalendarPaths.all { for (m, op) in methods { add(path, m, op) } }
        for (path, methods) in MonitoringPaths.all { for (m, op) in methods { add(path, m, op) } }
        for (path, methods) in ServiceAPIPaths.all { for (m, op) in methods { add(path, m, op) } }  // issue #6
        for (path, methods) in SecurityPaths.all { for (m, op) in methods { add(path, m, op) } }  // issue #5
        for (path, methods) in TemplatePaths.all { for (m, op) in methods { add(path, m, op) } }  // issue #7
        for (path, methods) in ResourcePaths.all { for (m, op) in methods { add(path, m, op) } }  // issue #10
        for (path, methods) in ExchangePaths.api { for (m, op) in methods { add(path, m, op) } }  // issue #7
        for (path, methods) in AnalyticsPaths.all { for (m, op) in methods { add(path, m, op) } }  // issue #7
        for (path, methods) in JobPaths.api { for (m, op) in methods { add(path, m, op) } }  // issue #8
        // Any write may find SQLite's write lock held by another process past the writer's wait (issue #9).
        for (path, methods) in paths {
            for (m, value) in methods where ["post", "put", "patch", "delete"].contains(m) {
                guard var op = value as? [String: Any] else { continue }
                var responses = op["responses"] as? [String: Any] ?? [:]
                responses["503"] = Op.busy
                op["responses"] = responses
                paths[path]?[m] = op
            }
        }
        return paths
    }

    static func crud(_ paths: inout [String: [String: Any]], path: String, tag: String, schema: String, create: String,
                     patch: String, filters: [[String: Any]], delete: Bool) {
        paths[path, default: [:]]["get"] = Op.make(tag, "List", params: filters + Op.pageParams, responses: ["200": schema + "Page"],
                                                  errors: [401, 403, 422])
        paths[path, default: [:]]["post"] = Op.make(tag, "Create", body: create, responses: ["201": schema],
                                                   errors: [400, 401, 403, 409, 413, 422])
        item(&paths, path: path + "/{id}", tag: tag, schema: schema, patch: patch, delete: delete)
    }

    static func item(_ paths: inout [String: [String: Any]], path: String, tag: String, schema: String, patch: String, delete: Bool) {
        paths[path, default: [:]]["get"] = Op.make(tag, "Read one", params: [Op.id], responses: ["200": schema], errors: [401, 403, 404])
        paths[path, default: [:]]["patch"] = Op.make(tag, "Change fields (only those present)", params: [Op.id, Op.ifMatch], body: patch,
                                                    responses: ["200": schema], errors: [400, 401, 403, 404, 409, 412, 413, 422])
        if delete {
            paths[path, default: [:]]["delete"] = Op.make(tag, "Delete", params: [Op.id, Op.ifMatch], responses: ["204": nil],
                                                         errors: [400, 401, 403, 404, 409, 412])
        }
    }
}

enum Op {
    static var id: [String: Any] { path("id") }
    static var ifMatch: [String: Any] {
        ["name": "If-Match", "in": "header", "required": false, "schema": S.string,
         "description": "the ETag (version) the change is based on; 412 when stale"]
    }
    static var pageParams: [[String: Any]] {
        [query("limit", ["type": "integer", "minimum": 1, "maximum": 200], "page size, default 50"),
         query("cursor", S.string, "next_cursor of the previous page")]
    }

    static func path(_ name: String) -> [String: Any] { ["name": name, "in": "path", "required": true, "schema": S.string] }

    static func query(_ name: String, _ schema: [String: Any], _ description: String? = nil) -> [String: Any] {
        var p: [String: Any] = ["name": name, "in": "query", "required": false, "schema": schema]
        if let description { p["description"] = description }
        return p
    }

    static let errorDescriptions: [Int: String] = [
        400: "malformed request", 401: "missing or invalid token", 403: "not allowed for this role", 404: "no such resource",
        409: "duplicate or state conflict", 412: "stale If-Match", 413: "body too large", 422: "invalid fields (error.fields names each)",
        415: "file type not allowed", 429: "too many attempts (Retry-After says when to retry)",
    ]

    /// A write that waited 30 s for another process's write lock on SQLite (a long `lvyue import`, a backup restore).
    static var busy: [String: Any] {
        ["description": "the database is busy with another process's write; retry after Retry-After seconds",
         "headers": ["Retry-After": ["schema": S.int, "description": "seconds"]],
         "content": ["application/json": ["schema": S.ref("Error")]]]
    }

    static func make(_ tag: String, _ summary: String, params: [[String: Any]] = [], body: String? = nil,
                     responses: [String: String?], errors: [Int], security: Bool = true) -> [String: Any] {
        var op: [String: Any] = ["tags": [tag], "summary": summary]
        if !params.isEmpty { op["parameters"] = params }
        if let body {
            op["requestBody"] = ["required": true, "content": ["application/json": ["schema": S.ref(body)]]]
        }
        var rs: [String: Any] = [:]
        for (code, schema) in responses {
            if let schema {
                rs[code] = ["description": "success", "content": ["application/json": ["schema": S.ref(schema)]]]
            } else {
                rs[code] = ["description": "success"]
            }
        }
        for code in errors {
            rs[String(code)] = ["description": errorDescriptions[code] ?? "error",
                                "content": ["application/json": ["schema": S.ref("Error")]]]
        }
        op["responses"] = rs
        if !security { op["security"] = [[String: Any]]() }
        return op
    }
}
