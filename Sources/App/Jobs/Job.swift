import Fluent
import Foundation
import LvyueCore
import Vapor

/// What a background job does (issue #8): an export of a form, the quarterly report's workbook, a contract import.
enum JobKind: String, Codable, CaseIterable, Sendable {
    case export
    case quarterlyReport = "quarterly_report"
    case contractImport = "contract_import"
}

enum JobStatus: String, Codable, CaseIterable, Sendable {
    case queued, running, done, failed, cancelled

    var isFinished: Bool { self == .done || self == .failed || self == .cancelled }
}

/// A long piece of work run off the request path by the in-process runner (`JobRunner`): queued by a person, claimed by
/// exactly one runner, its progress written every percent or so, its result a file under the data directory (kept
/// `JobFiles.retention`) or, for an import, the import report.
final class Job: Model, @unchecked Sendable {  // Fluent models are confined to one task; Fluent's convention.
    static let schema = "jobs"

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "started_at") var startedAt: Date?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    /// Touched while the job runs; a running job whose heartbeat stopped was left by a process that died.
    @OptionalField(key: "heartbeat_at") var heartbeatAt: Date?

    // data
    @Field(key: "kind") var kind: JobKind
    /// The job's parameters as JSON (form, format, filters; quarter; dry run and file name).
    @Field(key: "params") var params: String
    @Field(key: "status") var status: JobStatus
    @Field(key: "progress_done") var progressDone: Int
    @Field(key: "progress_total") var progressTotal: Int
    @OptionalField(key: "message") var message: String?
    /// The uploaded file of an import, under the data directory; removed when the job finishes.
    @OptionalField(key: "input_path") var inputPath: String?
    @OptionalField(key: "result_filename") var resultFilename: String?
    @OptionalField(key: "result_content_type") var resultContentType: String?
    @OptionalField(key: "result_size") var resultSize: Int?
    @OptionalField(key: "result_path") var resultPath: String?
    /// An import's report (every bad sheet, row, column and reason) as JSON.
    @OptionalField(key: "result_json") var resultJSON: String?
    @OptionalField(key: "error") var error: String?

    // relationships
    @OptionalField(key: "created_by_id") var createdByID: UUID?
    @Field(key: "created_by_name") var createdByName: String

    init() {}

    var parameters: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(params.utf8))) ?? [:]
    }
}

struct CreateJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Job.schema)
            .id()
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("started_at", .datetime)
            .field("finished_at", .datetime)
            .field("heartbeat_at", .datetime)
            .field("kind", .string, .required)
            .field("params", .string, .required)
            .field("status", .string, .required)
            .field("progress_done", .int, .required)
            .field("progress_total", .int, .required)
            .field("message", .string)
            .field("input_path", .string)
            .field("result_filename", .string)
            .field("result_content_type", .string)
            .field("result_size", .int)
            .field("result_path", .string)
            .field("result_json", .string)
            .field("error", .string)
            .field("created_by_id", .uuid)
            .field("created_by_name", .string, .required)
            .create()
        // The runner's claim looks for the oldest queued job; the list shows one person's jobs newest first.
        try await database.sql.raw("CREATE INDEX jobs_status ON jobs (status, id)").run()
        try await database.sql.raw("CREATE INDEX jobs_creator ON jobs (created_by_id, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Job.schema).delete()
    }
}

/// A job as the API shows it.
struct JobResponse: Content, HasVersion {
    var id: UUID
    var kind: JobKind
    var params: [String: String]
    var status: JobStatus
    var progressDone: Int
    var progressTotal: Int
    /// Whole percent done; null while the amount of work is not yet known.
    var percent: Int?
    var message: String?
    var error: String?
    var resultUrl: String?
    var resultFilename: String?
    var resultContentType: String?
    var resultSize: Int?
    /// When the result file is removed (`JobFiles.retention` after the job finished).
    var resultExpiresAt: Date?
    var createdBy: String
    var createdById: UUID?
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var updatedAt: Date
    var version: Int
}

extension Job: AuditedModel {
    static let entityType = "job"

    func response(_ ctx: ResponseContext) -> JobResponse {
        let percent = status == .done ? 100 : ProgressThrottle.percent(done: progressDone, total: progressTotal)
        let hasResult = resultPath != nil || resultJSON != nil
        return JobResponse(
            id: id!, kind: kind, params: parameters, status: status, progressDone: progressDone, progressTotal: progressTotal,
            percent: percent, message: message, error: error,
            resultUrl: hasResult ? JobPaths.apiResult(id!) : nil, resultFilename: resultFilename, resultContentType: resultContentType,
            resultSize: resultSize, resultExpiresAt: resultPath != nil ? finishedAt.map { $0.addingTimeInterval(JobFiles.retention) } : nil,
            createdBy: createdByName, createdById: createdByID, createdAt: createdAt, startedAt: startedAt, finishedAt: finishedAt,
            updatedAt: updatedAt, version: version)
    }
}

/// Paths of the jobs pages and API; routes and links both come from here.
enum JobPaths {
    static let list = SiteRoute(template: "/jobs")
    static let show = SiteRoute1(template: "/jobs/:id")
    static let result = SiteRoute1(template: "/jobs/:id/result")
    static let cancel = SiteRoute1(template: "/jobs/:id/cancel")
    /// The job as JSON for the page's progress script (the session's cookie, not a bearer token).
    static let status = SiteRoute1(template: "/jobs/:id/status")

    static func page(_ id: UUID) -> String { show.path(id) }
    static func apiResult(_ id: UUID) -> String { "/api/v1" + page(id) + "/result" }
}

/// Where job files live: `$LVYUE_DATA_DIR/jobs` beside the attachments, named by the job's id only.
enum JobFiles {
    /// Results are kept a week after the job finished; the sweeper removes them then.
    static let retention: TimeInterval = 7 * 24 * 3600

    static func directory(_ app: Application) -> String {
        ((AttachmentStore.directory(app) as NSString).deletingLastPathComponent as NSString).appendingPathComponent("jobs")
    }

    static func write(_ app: Application, name: String, _ data: Data) throws -> String {
        let dir = directory(app)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = (dir as NSString).appendingPathComponent(name)
        let temp = path + ".part"
        guard FileManager.default.createFile(atPath: temp, contents: data) else {
            throw AppError.conflict(code: "storage_failed", message: "the file could not be stored")
        }
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temp, toPath: path)
        return path
    }

    /// Where a result is written before it is complete (`adopt` then moves it into place).
    static func partPath(_ app: Application, name: String) throws -> String {
        let dir = directory(app)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (dir as NSString).appendingPathComponent(name) + ".part"
    }

    /// Moves a finished file (written at `partPath`) to its place as `name`.
    static func adopt(_ app: Application, name: String, _ file: String) throws -> String {
        let path = (directory(app) as NSString).appendingPathComponent(name)
        if file == path { return path }
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: file, toPath: path)
        return path
    }

    static func read(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    static func remove(_ path: String?) {
        guard let path else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
