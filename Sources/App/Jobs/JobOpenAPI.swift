import Foundation

/// Issue #8's part of the OpenAPI document: background jobs.
extension JobPaths {
    static var api: [String: [String: [String: Any]]] {
        [
            "/jobs": ["get": listOperation, "post": createOperation],
            "/jobs/contract-import": ["post": importOperation],
            "/jobs/{id}": ["get": Op.make("jobs", "A job: status, progress (done/total, percent), message, result URL",
                                          params: [Op.id], responses: ["200": "Job"], errors: [401, 403, 404])],
            "/jobs/{id}/result": ["get": resultOperation],
            "/jobs/{id}/cancel": ["post": Op.make("jobs", "Cancel a queued or running job (its creator or an administrator); 409 when it has finished",
                                                  params: [Op.id, Op.ifMatch], responses: ["200": "Job"], errors: [400, 401, 403, 404, 409, 412])],
        ]
    }

    private static var listOperation: [String: Any] {
        Op.make("jobs", "My jobs, newest first (administrators: everyone's with all=true)",
                params: [Op.query("status", S.enumeration(JobStatus.self)), Op.query("kind", S.enumeration(JobKind.self)),
                         Op.query("all", S.bool, "administrators: every user's jobs")] + Op.pageParams,
                responses: ["200": "JobPage"], errors: [401, 403, 422])
    }

    private static var createOperation: [String: Any] {
        var op = Op.make("jobs", "Start an export (params: form, format and the export's filters, as GET /exports/{form} takes them) or the "
                         + "quarterly report's workbook (params: quarter, customer_id, department_id, category, lang) as a background job; "
                         + "202 with Location. The role needs the permission of the export or report itself",
                         body: "JobCreate", responses: [:], errors: [400, 401, 403, 413, 422])
        var responses = op["responses"] as! [String: Any]
        responses["202"] = ["description": "queued; Location names the job",
                            "headers": ["Location": ["schema": S.string]],
                            "content": ["application/json": ["schema": S.ref("Job")]]]
        op["responses"] = responses
        return op
    }

    private static var importOperation: [String: Any] {
        var op = Op.make("jobs", "Start a contract import as a background job: the body is the XLSX workbook or CSV sheet of "
                         + "POST /imports/contracts; the job's result is the import report (all or nothing; a refused import fails with "
                         + "every bad sheet, row, column and reason)",
                         params: [Op.query("dry_run", S.bool, "check and report, write nothing"),
                                  Op.query("filename", ["type": "string", "maxLength": 200], "the file's name, shown in the job")],
                         responses: [:], errors: [400, 401, 403, 413, 422])
        var responses = op["responses"] as! [String: Any]
        responses["202"] = ["description": "queued; Location names the job",
                            "headers": ["Location": ["schema": S.string]],
                            "content": ["application/json": ["schema": S.ref("Job")]]]
        op["responses"] = responses
        let binary: [String: Any] = ["schema": ["type": "string", "format": "binary"]]
        op["requestBody"] = ["required": true, "content": [ExportFormat.xlsx.contentType: binary, "text/csv": binary,
                                                           "application/octet-stream": binary]]
        return op
    }

    private static var resultOperation: [String: Any] {
        var op = Op.make("jobs", "The job's result: the exported file or workbook, or an import's report (also for a refused import); "
                         + "409 while there is none (not finished, or removed 7 days after the job finished)",
                         params: [Op.id], responses: [:], errors: [401, 403, 404, 409])
        var responses = op["responses"] as! [String: Any]
        let binary: [String: Any] = ["schema": ["type": "string", "format": "binary"]]
        responses["200"] = ["description": "the file (Content-Disposition: attachment) or the import report",
                            "content": [ExportFormat.xlsx.contentType: binary, "text/csv": binary,
                                        "application/json": ["schema": S.ref("ImportResult")]]]
        op["responses"] = responses
        return op
    }
}

enum JobSchemas {
    static var all: [String: Any] {
        [
            "JobCreate": S.object([
                "kind": ["type": "string", "enum": [JobKind.export.rawValue, JobKind.quarterlyReport.rawValue]],
                "params": ["type": "object", "additionalProperties": ["type": ["string", "number", "integer", "boolean", "null"]]],
            ], required: ["kind"]),
            "Job": S.response([
                "id": S.uuid, "kind": S.enumeration(JobKind.self), "params": ["type": "object", "additionalProperties": S.string],
                "status": S.enumeration(JobStatus.self), "progress_done": S.int, "progress_total": S.int,
                "percent": ["type": ["integer", "null"], "minimum": 0, "maximum": 100], "message": S.stringN, "error": S.stringN,
                "result_url": S.stringN, "result_filename": S.stringN, "result_content_type": S.stringN, "result_size": ["type": ["integer", "null"]],
                "result_expires_at": S.timeN, "created_by": S.string, "created_by_id": S.uuidN, "created_at": S.time,
                "started_at": S.timeN, "finished_at": S.timeN, "updated_at": S.time, "version": S.int,
            ]),
            "JobPage": S.page(of: "Job"),
        ]
    }
}
