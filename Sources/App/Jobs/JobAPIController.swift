import Fluent
import Foundation
import Vapor

/// A scalar in a job's `params`: strings as they are, numbers and booleans as their text, null as absent.
struct LooseScalar: Decodable, Sendable {
    var text: String?

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { text = nil }
        else if let b = try? c.decode(Bool.self) { text = b ? "true" : "false" }
        else if let i = try? c.decode(Int.self) { text = String(i) }
        else if let d = try? c.decode(Double.self) { text = String(d) }
        else { text = try c.decode(String.self) }
    }
}

struct CreateJobRequest: Decodable, Sendable {
    var kind: String?
    var params: [String: LooseScalar]?
}

struct JobPage: Content {
    var items: [JobResponse]
    var nextCursor: String?
}

/// `/api/v1/jobs` (issue #8): start an export, the quarterly report's workbook or a contract import as a background
/// job (202 with `Location`), follow its progress, fetch its result, cancel it. A job is seen by its creator and
/// administrators only (404 for anyone else).
struct JobAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let jobs = routes.grouped("jobs")
        jobs.get(use: list)
        jobs.post(use: create)
        jobs.on(.POST, "contract-import", body: .collect(maxSize: ImportController.maxBody), use: createImport).runningLong()
        jobs.get(":id", use: show)
        jobs.get(":id", "result", use: result)
        jobs.post(":id", "cancel", use: cancel)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .job)
        let body = try req.decodeJSON(CreateJobRequest.self)
        var check = FieldCheck()
        let kind = check.oneOf(body.kind, "kind", JobKind.self)
        try check.throwIfAny()
        guard let kind else { throw AppError.invalid(fields: ["kind": "is required"]) }
        if kind == .contractImport {
            throw AppError.invalid(fields: ["kind": "a contract import uploads its file: POST /api/v1/jobs/contract-import"])
        }
        let raw = (body.params ?? [:]).compactMapValues(\.text)
        try JobWork.require(req, kind, raw)
        let params = try JobWork.validate(kind, raw)
        let job = try await JobService.create(req.application, actor: req.actor, kind: kind, params: params)
        return try accepted(job)
    }

    /// The body is the workbook or CSV sheet, as for `POST /api/v1/imports/contracts`.
    @Sendable func createImport(req: Request) async throws -> Response {
        try Permissions.require(req, .create, .job)
        var raw = ["dry_run": req.query[String.self, at: "dry_run"] ?? ""]
        if let name = req.query[String.self, at: "filename"] { raw["filename"] = name }
        try JobWork.require(req, .contractImport, raw)
        let params = try JobWork.validate(.contractImport, raw)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw AppError.badRequest("the body must be an XLSX workbook or a CSV file")
        }
        let data = Data(buffer.readableBytesView)
        // A file that is neither a workbook nor a sheet is refused now rather than failing later.
        do { _ = try ContractImport.sheets(from: [(params["filename"] ?? "upload.csv", data)]) } catch let e as ImportFileError {
            throw AppError.badRequest(e.description)
        }
        let job = try await JobService.create(req.application, actor: req.actor, kind: .contractImport, params: params, input: data)
        return try accepted(job)
    }

    private func accepted(_ job: JobResponse) throws -> Response {
        let response = try Response.json(job, status: .accepted, version: job.version)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1" + JobPaths.page(job.id))
        return response
    }

    @Sendable func list(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .job)
        var check = FieldCheck()
        var f = JobService.ListFilter()
        if let s = req.query[String.self, at: "status"], !s.isEmpty { f.status = check.oneOf(s, "status", JobStatus.self) }
        if let k = req.query[String.self, at: "kind"], !k.isEmpty { f.kind = check.oneOf(k, "kind", JobKind.self) }
        if let a = req.query[String.self, at: "all"], !a.isEmpty {
            if a == "true" { f.all = true } else if a != "false" { check.fail("all", "must be true or false") }
        }
        if let l = req.query[String.self, at: "limit"] {
            if let n = Int(l), (1...200).contains(n) { f.limit = n } else { check.fail("limit", "must be an integer between 1 and 200") }
        }
        if let c = req.query[String.self, at: "cursor"], !c.isEmpty {
            if let id = UUID(uuidString: c) { f.before = id } else { check.fail("cursor", "is not a cursor returned by this list") }
        }
        try check.throwIfAny()
        let (jobs, next) = try await JobService.list(req.application, for: try req.user, f)
        return try .json(JobPage(items: jobs.map { JobService.response(req.application, $0) }, nextCursor: next?.uuidString))
    }

    @Sendable func show(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .job)
        let job = try await JobService.find(req.application, try req.pathID(entity: "job"), for: try req.user)
        return try .json(JobService.response(req.application, job), version: job.version)
    }

    /// The result file, or an import's report; 409 while the job has none (not finished, failed without one, or removed
    /// after the retention period).
    @Sendable func result(req: Request) async throws -> Response {
        try Permissions.require(req, .read, .job)
        let job = try await JobService.find(req.application, try req.pathID(entity: "job"), for: try req.user)
        return try Self.resultResponse(req, job)
    }

    static func resultResponse(_ req: Request, _ job: Job) throws -> Response {
        if let report = job.resultJSON {
            return Response.json(bytes: report.utf8, status: .ok)
        }
        guard job.status == .done else {
            throw AppError.conflict(code: "job_not_done", message: "the job is \(job.status.rawValue); it has no result")
        }
        guard let path = job.resultPath, let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue else {
            throw AppError.conflict(code: "result_removed", message: "the result was removed after \(Int(JobFiles.retention / 86400)) days; start the job again")
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: job.resultContentType ?? "application/octet-stream")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(job.resultFilename ?? "result")\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return FileBody.response(req, path: path, size: size, headers: headers, removeAfter: false)
    }

    @Sendable func cancel(req: Request) async throws -> Response {
        try Permissions.require(req, .update, .job)
        let id = try req.pathID(entity: "job")
        let job = try await JobService.cancel(req.application, id, user: try req.user, expectedVersion: try Precondition.expectedVersion(req))
        return try .json(job, version: job.version)
    }
}
