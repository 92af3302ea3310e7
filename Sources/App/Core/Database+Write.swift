import Fluent
import FluentSQLiteDriver
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Group commit for SQLite, which allows one writer at a time. Writers queue here in order (rather than spinning in
/// SQLite's busy handler); whoever finds the queue idle drains it: the writes waiting at that moment run one after
/// another in one `BEGIN IMMEDIATE` transaction, each in its own SAVEPOINT (a write that fails rolls back to its
/// savepoint and only its caller sees the error), and the transaction commits once for all of them. No caller hears
/// of success before that COMMIT has returned and its log is synced to disk (`LogSync`), so an acknowledged write
/// survives a killed process or a power cut; if the COMMIT fails, every write of the batch fails. Each write still
/// reads and extends the audit chain inside its own savepoint, so the chain stays one unbroken sequence. The batches run
/// on one connection of their own (`SQLiteWriter`), not a pooled one. On PostgreSQL it is not used.
final class WriteQueue: Sendable {
    typealias Body = @Sendable (any Database) async throws -> any Sendable
    struct Job: Sendable {
        let body: Body
        let done: CheckedContinuation<any Sendable, any Error>
    }

    /// At most this many writes share one transaction (`LVYUE_WRITE_BATCH`, default 64; 1 turns grouping off).
    let maxBatch: Int
    let writer: SQLiteWriter
    private struct State {
        var pending: [Job] = []
        var draining = false
    }
    /// A lock rather than an actor: queuing a write and taking a batch are a few instructions, and an actor would put a
    /// switch to the concurrency pool and back on every write and every batch.
    private let state = NIOLockedValueBox(State())

    init(maxBatch: Int, writer: SQLiteWriter) {
        self.maxBatch = max(1, maxBatch)
        self.writer = writer
    }

    /// Queues a write. Whoever finds the queue idle starts draining it, on the writer's own thread.
    func submit(_ job: Job, _ app: Application) {
        let start = state.withLockedValue { s -> Bool in
            s.pending.append(job)
            if s.draining { return false }
            s.draining = true
            return true
        }
        if start { Task(executorPreference: writer.executor) { await self.drain(app) } }
    }

    /// The next batch, oldest first; empty (and the queue idle again) when nothing waits.
    private func next() -> [Job] {
        state.withLockedValue { s in
            if s.pending.isEmpty { s.draining = false; return [] }
            let n = min(maxBatch, s.pending.count)
            let batch = Array(s.pending.prefix(n))
            s.pending.removeFirst(n)
            return batch
        }
    }

    private func drain(_ app: Application) async {
        while true {
            let batch = next()
            if batch.isEmpty { return }
            await run(batch, app)
        }
    }

    private func run(_ batch: [Job], _ app: Application) async {
        let outcomes: [Result<any Sendable, any Error>]
        do {
            outcomes = try await writer.withDatabase(like: app.db) { try await Self.run(batch, on: $0) }
        } catch {
            // Nothing of the batch was committed: every write in it fails with this error.
            outcomes = Array(repeating: .failure(error), count: batch.count)
        }
        let committed = outcomes.contains { if case .success = $0 { true } else { false } }
        guard committed, writer.connection.leavesLogSync else {
            for (job, outcome) in zip(batch, outcomes) { job.done.resume(with: outcome) }
            return
        }
        // Its callers hear of the batch once its log is on disk; the writer goes on with the next one meanwhile.
        writer.logSync.afterSync { error in
            for (job, outcome) in zip(batch, outcomes) {
                if let error, case .success = outcome { job.done.resume(throwing: error) } else { job.done.resume(with: outcome) }
            }
        }
    }

    private enum Batch {
        static let begin: SQLText = "BEGIN IMMEDIATE", commit: SQLText = "COMMIT", rollback: SQLText = "ROLLBACK"
        static let savepoint: SQLText = "SAVEPOINT lvyue_write", release: SQLText = "RELEASE lvyue_write"
        static let rollbackTo: SQLText = "ROLLBACK TO lvyue_write"
    }

    private static func run(_ batch: [Job], on conn: any Database) async throws -> [Result<any Sendable, any Error>] {
        try await conn.sql.run(Batch.begin)
        do {
            var results: [Result<any Sendable, any Error>] = []
            if batch.count == 1 {
                // Alone: the transaction is the write's own; its error rolls it back (below) and is its caller's.
                results.append(.success(try await batch[0].body(conn)))
            } else {
                for job in batch {
                    try await conn.sql.run(Batch.savepoint)
                    do {
                        let value = try await job.body(conn)
                        try await conn.sql.run(Batch.release)
                        results.append(.success(value))
                    } catch {
                        // If the savepoint cannot be rolled back the transaction is gone: the whole batch fails.
                        try await conn.sql.run(Batch.rollbackTo)
                        try await conn.sql.run(Batch.release)
                        results.append(.failure(error))
                    }
                }
            }
            if results.contains(where: { if case .success = $0 { true } else { false } }) {
                try await conn.sql.run(Batch.commit)
            } else {
                try await conn.sql.run(Batch.rollback)
            }
            return results
        } catch {
            try? await conn.sql.run(Batch.rollback)
            throw error
        }
    }
}

/// Runs a task's jobs on one event loop. The write batch runs there (`SQLiteWriter.loop`): its statements complete as
/// they are called, so the futures Fluent awaits are already complete on the loop that awaits them and the batch goes
/// on without waking another thread.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop
    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Async middlewares run one after another in one task, with the route's handler at its end. Vapor runs each async
/// middleware in a task of its own and the handler in another, each a switch of threads; the API's three and its
/// handler were four tasks per request. Here they are one, started on the request's event loop for a short write
/// (`staysOnEventLoop`): its token read, its wait on the write queue, its answer all complete there. Reads (some long:
/// reports, exports) and the writes that run long stay on the concurrency pool, where they hold up no connection.
struct AsyncMiddlewareChain: Middleware {
    let middlewares: [any AsyncMiddleware]

    init(_ middlewares: any AsyncMiddleware...) { self.middlewares = middlewares }

    static func staysOnEventLoop(_ request: Request) -> Bool {
        request.method != .GET && request.method != .HEAD && !(request.route?.runsLong ?? false)
    }

    func respond(to request: Request, chainingTo handler: any Responder) -> EventLoopFuture<Response> {
        let promise = request.eventLoop.makePromise(of: Response.self)
        let operation: @Sendable () async -> Void = {
            do { promise.succeed(try await self.respond(request, from: 0, handler)) } catch { promise.fail(error) }
        }
        if Self.staysOnEventLoop(request) {
            Task(executorPreference: EventLoopTaskExecutor(request.eventLoop), operation: operation)
        } else {
            Task(operation: operation)
        }
        return promise.futureResult
    }

    private func respond(_ request: Request, from index: Int, _ handler: any Responder) async throws -> Response {
        guard index < middlewares.count else {
            if let handler = handler as? any AsyncResponder { return try await handler.respond(to: request) }
            return try await handler.respond(to: request).get()
        }
        return try await middlewares[index].respond(to: request, chainingTo: AsyncBasicResponder { try await respond($0, from: index + 1, handler) })
    }
}

extension Route {
    private static let runsLongKey = "lvyue.runs-long"

    /// A write that may run long (a workbook parsed, a quarter computed): it stays on the concurrency pool rather than
    /// on its connection's event loop (`AsyncMiddlewareChain`), so it holds up no other connection.
    @discardableResult
    func runningLong() -> Route {
        userInfo[Self.runsLongKey] = true
        return self
    }

    var runsLong: Bool { userInfo[Self.runsLongKey] as? Bool ?? false }
}

extension Application {
    private struct WriteQueueKey: StorageKey { typealias Value = WriteQueue }

    private struct ReadersKey: StorageKey { typealias Value = SQLiteReaders }

    /// The write queue, on SQLite; made with the token readers (`sqliteReaders`) in `Lvyue.migrate`, before concurrent
    /// requests could race to make it.
    var writeQueue: WriteQueue {
        if let queue = storage[WriteQueueKey.self] { return queue }
        let queue = WriteQueue(
            maxBatch: Environment.get("LVYUE_WRITE_BATCH").flatMap(Int.init) ?? 64,
            writer: SQLiteWriter(path: config.sqlitePath))
        storage[WriteQueueKey.self] = queue
        storage[ReadersKey.self] = SQLiteReaders(path: config.sqlitePath)
        return queue
    }

    /// The read connections for bearer tokens, on SQLite; nil on PostgreSQL.
    var sqliteReaders: SQLiteReaders? { storage[ReadersKey.self] }

    /// Closes the writer and reader connections and stops the writer's thread, if they were made (`WriteQueueLifecycle`).
    func closeWriteQueue() async {
        sqliteReaders?.close()
        guard let queue = storage[WriteQueueKey.self] else { return }
        do { try await queue.writer.close() } catch { logger.warning("closing the write connection: \(error)") }
    }

    var isSQLite: Bool { (db as? any SQLDatabase)?.dialect.name == "sqlite" }
}

extension Database {
    var sql: any SQLDatabase { self as! any SQLDatabase }
    var isSQLite: Bool { sql.dialect.name == "sqlite" }
}

struct WriteQueueLifecycle: LifecycleHandler {
    func shutdownAsync(_ app: Application) async { await app.closeWriteQueue() }
}

enum Store {
    /// Runs `body` as one write transaction: on SQLite through the group-commit queue (`WriteQueue`: `BEGIN IMMEDIATE`,
    /// so the write lock is taken up front and two writers never deadlock upgrading a read lock; the body in its own
    /// savepoint when it shares the transaction); on PostgreSQL a normal transaction. Everything written in `body` — the
    /// change and its audit event — commits or rolls back together, and this returns only after the commit.
    static func write<T: Sendable>(_ app: Application, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard app.isSQLite else {
            return try await app.db.transaction { try await body($0) }
        }
        let queue = app.writeQueue
        let value = try await withCheckedThrowingContinuation { (done: CheckedContinuation<any Sendable, any Error>) in
            queue.submit(WriteQueue.Job(body: { try await body($0) }, done: done), app)
        }
        return value as! T
    }
}
