import Fluent
import Foundation
import Vapor

/// Runs queued jobs inside `lvyue serve`, one at a time per instance, off the request path (issue #8). Tests never
/// start it: they call `JobRunner.runOnce` themselves, as they call `Sweeper.runOnce`.
enum JobRunner {
    /// Claims the oldest queued job and runs it to its end; false when there was nothing to claim.
    @discardableResult
    static func runOnce(_ app: Application) async throws -> Bool {
        guard let job = try await JobService.claim(app) else { return false }
        await run(app, job)
        return true
    }

    static func run(_ app: Application, _ job: Job) async {
        let id = job.id!
        // An import holds SQLite's one write transaction while it runs: its progress is kept in memory until it ends.
        let memoryOnly = job.kind == .contractImport && app.isSQLite
        let reporter = ProgressReporter { done, total in
            try await JobService.progress(app, id, done: done, total: total, memoryOnly: memoryOnly)
        }
        let beat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: JobService.heartbeatEvery)
                if Task.isCancelled { break }
                try? await JobService.heartbeat(app, id)
            }
        }
        defer { beat.cancel() }
        do {
            let outcome = try await ProgressReporter.$current.withValue(reporter) { try await JobWork.run(app, job) }
            let total = reporter.total
            let done = outcome.failure == nil ? total : reporter.done
            try await JobService.complete(app, id, outcome, done: done, total: total)
        } catch is JobCancelled {
            app.jobProgress.remove(id)
            app.logger.info("job cancelled", metadata: ["component": "jobs", "job": "\(id)"])
        } catch {
            let message = (error as? AppError)?.message ?? String(describing: error)
            app.logger.error("job failed", metadata: ["component": "jobs", "job": "\(id)", "error": "\(String(reflecting: error))"])
            do { try await JobService.fail(app, id, error: message) } catch {
                app.logger.error("job failure not recorded", metadata: ["component": "jobs", "job": "\(id)", "error": "\(error)"])
            }
        }
    }
}

/// Starts the runner with `serve`: first the jobs a stopped process left running are failed, then queued jobs are
/// claimed as they come (a look every second when idle).
final class JobRunnerLifecycle: LifecycleHandler, @unchecked Sendable {
    // Only touched from didBootAsync/shutdownAsync, which Vapor calls one after the other.
    private var task: Task<Void, Never>?
    let idle: Duration

    init(idle: Duration = .seconds(1)) { self.idle = idle }

    func didBootAsync(_ app: Application) async throws {
        // SQLite is written by this one process: whatever is still running was left by the last one.
        let recovered = try await JobService.recoverStale(app, everyRunning: app.isSQLite)
        if recovered > 0 { app.logger.warning("jobs interrupted by a stop marked failed", metadata: ["component": "jobs", "count": "\(recovered)"]) }
        let idle = idle
        task = Task {
            while !Task.isCancelled {
                do {
                    if try await JobRunner.runOnce(app) { continue }
                } catch {
                    app.logger.error("job claim failed", metadata: ["component": "jobs", "error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: idle)
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        task?.cancel()
        task = nil
    }
}
