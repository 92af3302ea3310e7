import Foundation

/// Issue #7's part of the OpenAPI document: exports of the standard's forms, the contract import.
extension ExchangePaths {
    static var api: [String: [String: [String: Any]]] {
        [
            "/exports/{form}": ["get": exportOperation],
            "/imports/contracts": ["post": importOperation],
        ]
    }

    private static var importOperation: [String: Any] {
        var op = Op.make("exports", "Import contracts with clauses, 模板1 and 模板2 rows from an XLSX workbook (the layout of "
                         + "GET /exports/contracts) or one CSV sheet; all or nothing. 200: dry-run report; 201: written; "
                         + "422: refused, the report names every bad row and column and nothing was written",
                         params: [Op.query("dry_run", S.bool, "check and report, write nothing")],
                         responses: ["200": "ImportResult", "201": "ImportResult"], errors: [400, 401, 403, 413])
        var responses = op["responses"] as! [String: Any]
        responses["422"] = ["description": "rows refused (or dry_run invalid: Error)",
                            "content": ["application/json": ["schema": ["oneOf": [S.ref("ImportResult"), S.ref("Error")]]]]]
        op["responses"] = responses
        let binary: [String: Any] = ["schema": ["type": "string", "format": "binary"]]
        op["requestBody"] = ["required": true, "content": [ExportFormat.xlsx.contentType: binary, "text/csv": binary,
                                                           "application/octet-stream": binary]]
        return op
    }

    private static var exportOperation: [String: Any] {
        let params: [[String: Any]] = [
            ["name": "form", "in": "path", "required": true,
             "schema": ["type": "string", "enum": ExportForm.allCases.map(\.rawValue)] as [String: Any],
             "description": "contracts = the import workbook (合同, 模板1, 模板2 sheets), responsibilities = 模板1, milestones = 模板2, risks = 风险预判表, escalations = 模板3, "
                + "service-requests = 模板4, satisfaction = 客户满意度评价表"],
            Op.query("format", ["type": "string", "enum": ExportFormat.allCases.map(\.rawValue)], "xlsx (default) or csv (UTF-8 with BOM)"),
            Op.query("contract_id", S.uuid), Op.query("customer_id", S.uuid),
            Op.query("department_id", S.uuid, "the row's department (模板1, 模板2, 模板4) or the contract's (risks, 模板3)"),
            Op.query("category", S.enumeration(ContractCategory.self), "the contract's category"),
            Op.query("status", S.string, "as the form's list takes it (milestones: not_started, in_progress, done, delayed; "
                     + "escalations: active or a status; service requests and satisfaction: open or a status)"),
            Op.query("from", S.date, "first day, on the form's date (due, planned, created, raised, received, rated)"),
            Op.query("to", S.date, "last day, inclusive"),
            Op.query("quarter", ["type": "string", "pattern": "^[0-9]{4}[Qq][1-4]$"], "instead of from/to, e.g. 2026Q3"),
            Op.query("level", ["type": "integer", "minimum": 1, "maximum": 3], "escalations only"),
            Op.query("urgency", S.enumeration(Urgency.self), "service requests and satisfaction only"),
            Op.query("type", S.enumeration(RequestType.self), "service requests and satisfaction only"),
            Op.query("engineer_id", S.uuid, "service requests and satisfaction only"),
            Op.query("breached", S.bool, "service requests and satisfaction only"),
            Op.query("q", ["type": "string", "maxLength": 100], "contracts: number or title contains; service requests and satisfaction: number, title or description"),
        ]
        var op = Op.make("exports", "A form of the standard as XLSX or CSV, with the Chinese header row of DESIGN.md §2, filtered like its list",
                         params: params, responses: [:], errors: [401, 403, 404, 422])
        var responses = op["responses"] as! [String: Any]
        let binary: [String: Any] = ["schema": ["type": "string", "format": "binary"]]
        responses["200"] = ["description": "the file (Content-Disposition: attachment)",
                            "content": [ExportFormat.xlsx.contentType: binary, "text/csv": binary]]
        op["responses"] = responses
        return op
    }
}

enum ExchangeSchemas {
    static var all: [String: Any] {
        [
            "ImportProblem": S.object(["sheet": S.string, "row": S.int, "column": S.string, "reason": S.string],
                                      required: ["sheet", "row", "column", "reason"]),
            "ImportResult": S.object([
                "dry_run": S.bool, "ok": S.bool, "contracts": S.int, "clauses": S.int, "responsibilities": S.int, "milestones": S.int,
                "created_customers": S.array(S.string), "created_users": S.array(S.string), "ignored_sheets": S.array(S.string),
                "problems": S.array(S.ref("ImportProblem")),
            ], required: ["dry_run", "ok", "contracts", "clauses", "responsibilities", "milestones", "created_customers",
                          "created_users", "ignored_sheets", "problems"]),
        ]
    }
}
