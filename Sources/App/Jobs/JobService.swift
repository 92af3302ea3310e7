import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// A job stopped by its owner while it ran: the runner notices at its next progress write.
struct JobCancelled: Error {}

/// The life of a job, each state change one transaction with its audit event: queued (`create`) → running (`start`,
/// claimed by exactly one runner) → done (`complete`) or failed (`fail`) or cancelled (`cancel`); a result removed after
/// the retention period (`expire`). Progress is written in short transactions of its own, without an audit event.
enum JobService {
    /// A running job whose heartbeat is older than this was left by a process that stopped.
    static let staleAfter: TimeInterval = 120
    static let heartbeatEvery: Duration = .seconds(30)
    static let paramsEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    // MARK: - Create

    static func create(_ app: Application, actor: Actor, kind: JobKind, params: [String: String], input: Data? = nil) async throws -> JobResponse {
        let job = Job()
        let now = app.deps.now()
        job.id = app.deps.newID()
        job.kind = kind
        job.params = String(decoding: try JobService.paramsEncoder.encode(params), as: UTF8.self)
        job.status = .queued
        job.progressDone = 0
        job.progressTotal = 0
        job.createdAt = now
        job.updatedAt = now
        job.createdByID = actor.id
        job.createdByName = actor.name
        if let input { job.inputPath = try JobFiles.write(app, name: job.id!.uuidString.lowercased() + "-input", input) }
        do {
            let response = try await Writes.create(app, actor: actor, job)
            return response
        } catch {
            JobFiles.remove(job.inputPath)
            throw error
        }
    }

    // MARK: - Read

    /// The job if `user` may see it — its creator, or an administrator — else 404 (its existence is not revealed).
    static func find(_ app: Application, _ id: UUID, for user: User) async throws -> Job {
        guard let job = try await Job.find(id, on: app.db), visible(job, to: user) else {
            throw AppError.notFound(entity: "job", id: id.uuidString)
        }
        return job
    }

    static func visible(_ job: Job, to user: User) -> Bool {
        user.role == .administrator || (job.createdByID != nil && job.createdByID == user.id)
    }

    /// The API's view, with the live progress of a job running in this process.
    static func response(_ app: Application, _ job: Job) -> JobResponse {
        if job.status == .running, let live = app.jobProgress.get(job.id!), live.done >= job.progressDone {
            job.progressDone = live.done
            job.progressTotal = live.total
        }
        return job.response(ResponseContext(now: app.deps.now()))
    }

    struct ListFilter: Sendable {
        var status: JobStatus?
        var kind: JobKind?
        /// Administrators see everyone's jobs; everyone else only their own.
        var all = false
        var limit = 50
        var before: UUID?
    }

    /// Newest first; `before` is the cursor (the last id of the previous page).
    static func list(_ app: Application, for user: User, _ f: ListFilter) async throws -> (jobs: [Job], next: UUID?) {
        let q = Job.query(on: app.db)
        if !(user.role == .administrator && f.all) { q.filter(\.$createdByID == user.id) }
        if let s = f.status { q.filter(\.$status == s) }
        if let k = f.kind { q.filter(\.$kind == k) }
        if let b = f.before { q.filter(\.$id < b) }
        let rows = try await q.sort(\.$id, .descending).limit(f.limit + 1).all()
        let page = Array(rows.prefix(f.limit))
        return (page, rows.count > f.limit ? page.last?.id : nil)
    }

    // MARK: - The runner's side

    /// Takes the oldest queued job for this runner, or nil. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several
    /// instances claim at once, each a different job; on SQLite the one write transaction at a time does the same.
    static func claim(_ app: Application) async throws -> Job? {
        let now = app.deps.now()
        let ctx = ResponseContext(now: now)
        return try await Store.write(app) { db -> Job? in
            let lock: SQLQueryString = db.isSQLite ? "" : " FOR UPDATE SKIP LOCKED"
            let sql: SQLQueryString = "SELECT id FROM jobs WHERE status = \(bind: JobStatus.queued.rawValue) ORDER BY id LIMIT 1" + lock
            guard let row = try await db.sql.raw(sql).first() else { return nil }
            let id = try row.decode(column: "id", as: UUID.self)
            guard let job = try await Job.find(id, on: db) else { return nil }
            let before = job.response(ctx)
            job.status = .running
            job.startedAt = now
            job.heartbeatAt = now
            job.updatedAt = now
            job.version += 1
            try await job.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: .system, action: "start", entityType: Job.entityType,
                                      entityID: id.uuidString, before: before, after: job.response(ctx))
            return job
        }
    }

    /// Writes the progress of a running job (and its heartbeat); throws `JobCancelled` when the job was cancelled.
    /// `memoryOnly`: the work holds SQLite's write transaction (an import), so the row waits until the end.
    static func progress(_ app: Application, _ id: UUID, done: Int, total: Int, memoryOnly: Bool) async throws {
        app.jobProgress.set(id, done: done, total: total)
        // A cancel asked for in this process stops the work at once (it may still be waiting for its own write).
        if app.jobProgress.cancelRequested(id) { throw JobCancelled() }
        if memoryOnly { return }
        let now = app.deps.now()
        let running = try await Store.write(app) { db -> Bool in
            let row = try await db.sql.raw("SELECT status FROM jobs WHERE id = \(bind: id)").first()
            guard try row?.decode(column: "status", as: String.self) == JobStatus.running.rawValue else { return false }
            try await db.sql.raw("""
                UPDATE jobs SET progress_done = \(bind: done), progress_total = \(bind: total), heartbeat_at = \(bind: now), \
                updated_at = \(bind: now) WHERE id = \(bind: id)
                """).run()
            return true
        }
        if !running { throw JobCancelled() }
    }

    /// The runner is alive: a job whose work has no progress to report for a while is not taken for abandoned.
    static func heartbeat(_ app: Application, _ id: UUID) async throws {
        let now = app.deps.now()
        try await Store.write(app) { db in
            try await db.sql.raw("UPDATE jobs SET heartbeat_at = \(bind: now) WHERE id = \(bind: id) AND status = \(bind: JobStatus.running.rawValue)").run()
        }
    }

    /// What a job produced.
    struct Outcome: Sendable {
        var filename: String?
        var contentType: String?
        var data: Data?
        /// A result already written to a file (an export, streamed): moved into place instead of `data`.
        var file: String?
        /// An import's report.
        var report: ImportResult?
        var message: String?
        /// Set when the work ran to its end but refused (an import with bad rows): the job fails with the report.
        var failure: String?
    }

    /// Records the end of a job's work: done with its result, or failed with the import report. A job cancelled
    /// meanwhile stays cancelled and its result is dropped.
    static func complete(_ app: Application, _ id: UUID, _ outcome: Outcome, done: Int, total: Int) async throws {
        let name = id.uuidString.lowercased() + "-result"
        let path: String?
        let size: Int?
        if let file = outcome.file {
            size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue
            path = try JobFiles.adopt(app, name: name, file)
        } else {
            size = outcome.data?.count
            path = try outcome.data.map { try JobFiles.write(app, name: name, $0) }
        }
        let report = try outcome.report.map { String(decoding: try JSONCoding.encoder.encode($0), as: UTF8.self) }
        let now = app.deps.now()
        let ctx = ResponseContext(now: now)
        let kept = try await Store.write(app) { db -> Bool in
            guard let job = try await Job.find(id, on: db), job.status == .running else { return false }
            let before = job.response(ctx)
            job.status = outcome.failure == nil ? .done : .failed
            job.progressDone = done
            job.progressTotal = total
            job.finishedAt = now
            job.heartbeatAt = nil
            job.updatedAt = now
            job.message = outcome.message
            job.error = outcome.failure
            job.resultFilename = outcome.filename
            job.resultContentType = outcome.contentType
            job.resultSize = size ?? report?.utf8.count
            job.resultPath = path
            job.resultJSON = report
            job.version += 1
            let input = job.inputPath
            job.inputPath = nil
            try await job.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: .system, action: outcome.failure == nil ? "complete" : "fail",
                                      entityType: Job.entityType, entityID: id.uuidString, before: before, after: job.response(ctx))
            JobFiles.remove(input)
            return true
        }
        if !kept { JobFiles.remove(path) }
        app.jobProgress.remove(id)
    }

    /// The work threw: the job fails with what went wrong.
    static func fail(_ app: Application, _ id: UUID, error: String) async throws {
        try await finishAs(app, id, status: .failed, error: error, action: "fail", from: [.running], actor: .system)
        app.jobProgress.remove(id)
    }

    /// The owner (or an administrator) stops a queued or running job; 409 when it has already finished.
    static func cancel(_ app: Application, _ id: UUID, user: User, expectedVersion: Int?) async throws -> JobResponse {
        let job = try await find(app, id, for: user)
        if job.status.isFinished { throw AppError.conflict(code: "job_finished", message: "the job has already \(job.status.rawValue)") }
        if job.status == .running { app.jobProgress.requestCancel(id) }
        return try await finishAs(app, id, status: .cancelled, error: nil, action: "cancel", from: [.queued, .running], actor: user.actor,
                                  expectedVersion: expectedVersion)
    }

    @discardableResult
    private static func finishAs(_ app: Application, _ id: UUID, status: JobStatus, error: String?, action: String, from: Set<JobStatus>,
                                 actor: Actor, expectedVersion: Int? = nil) async throws -> JobResponse {
        let now = app.deps.now()
        let ctx = ResponseContext(now: now)
        return try await Store.write(app) { db in
            guard let job = try await Job.find(id, on: db) else { throw AppError.notFound(entity: "job", id: id.uuidString) }
            try Precondition.check(expectedVersion, against: job)
            guard from.contains(job.status) else {
                throw AppError.conflict(code: "job_finished", message: "the job has already \(job.status.rawValue)")
            }
            let before = job.response(ctx)
            job.status = status
            job.error = error
            job.finishedAt = now
            job.heartbeatAt = nil
            job.updatedAt = now
            job.version += 1
            let input = job.inputPath
            job.inputPath = nil
            try await job.update(on: db)
            let after = job.response(ctx)
            try await AuditLog.append(on: db, at: now, actor: actor, action: action, entityType: Job.entityType, entityID: id.uuidString,
                                      before: before, after: after)
            JobFiles.remove(input)
            return after
        }
    }

    // MARK: - Housekeeping

    static let interruptedMessage = "interrupted: the process running this job stopped before it finished; start it again"

    /// Jobs left `running` by a process that stopped fail (their owner starts them again). At `serve` start on SQLite
    /// (one process writes it) every running job is such a job; otherwise, and from the sweeper, those whose heartbeat
    /// is older than `staleAfter`.
    @discardableResult
    static func recoverStale(_ app: Application, everyRunning: Bool) async throws -> Int {
        let cutoff = app.deps.now().addingTimeInterval(-staleAfter)
        let q = Job.query(on: app.db).filter(\.$status == .running)
        if !everyRunning { q.filter(\.$heartbeatAt < cutoff) }
        var n = 0
        for id in try await q.all(\.$id) {
            do {
                try await finishAs(app, id, status: .failed, error: interruptedMessage, action: "fail", from: [.running], actor: .system)
                n += 1
            } catch let e as AppError where e.httpStatus == .conflict {
                continue  // it finished meanwhile
            }
        }
        return n
    }

    /// Result files older than the retention period are removed; the job stays listed, its result marked gone.
    @discardableResult
    static func purgeExpired(_ app: Application) async throws -> Int {
        let now = app.deps.now()
        let ctx = ResponseContext(now: now)
        let cutoff = now.addingTimeInterval(-JobFiles.retention)
        let ids = try await Job.query(on: app.db).filter(\.$resultPath != nil).filter(\.$finishedAt < cutoff).all(\.$id)
        var n = 0
        for id in ids {
            let path = try await Store.write(app) { db -> String? in
                guard let job = try await Job.find(id, on: db), let path = job.resultPath else { return nil }
                let before = job.response(ctx)
                job.resultPath = nil
                job.resultSize = nil
                job.message = "result removed after the retention period"
                job.updatedAt = now
                job.version += 1
                try await job.update(on: db)
                try await AuditLog.append(on: db, at: now, actor: .system, action: "expire", entityType: Job.entityType,
                                          entityID: id.uuidString, before: before, after: job.response(ctx))
                return path
            }
            if let path { JobFiles.remove(path); n += 1 }
        }
        return n
    }

    /// The sweeper's part: abandoned jobs, expired results, export files a response left behind.
    static func sweep(_ app: Application) async throws {
        try await recoverStale(app, everyRunning: false)
        try await purgeExpired(app)
        ExportFiles.purgeStale(app)
    }
}
