import Fluent
import FluentSQLiteDriver
import SQLKit
import Vapor

/// Group commit for SQLite, which allows one writer at a time. Writers queue here in order (rather than spinning in
/// SQLite's busy handler); whoever finds the queue idle drains it: the writes waiting at that moment run one after
/// another in one `BEGIN IMMEDIATE` transaction, each in its own SAVEPOINT (a write that fails rolls back to its
/// savepoint and only its caller sees the error), and the transaction commits once for all of them. No caller hears
/// of success before that COMMIT has returned, so an acknowledged write is on disk (a killed process loses none); if
/// the COMMIT fails, every write of the batch fails. Each write still reads and extends the audit chain inside its
/// own savepoint, so the chain stays one unbroken sequence. On PostgreSQL it is not used.
actor WriteQueue {
    typealias Body = @Sendable (any Database) async throws -> any Sendable
    struct Job: Sendable {
        let body: Body
        let done: CheckedContinuation<any Sendable, any Error>
    }

    /// At most this many writes share one transaction (`LVYUE_WRITE_BATCH`, default 64; 1 turns grouping off).
    let maxBatch: Int
    private var pending: [Job] = []
    private var draining = false

    init(maxBatch: Int) { self.maxBatch = max(1, maxBatch) }

    /// Queues a write; true when the caller must start draining (the queue was idle).
    func enqueue(_ job: Job) -> Bool {
        pending.append(job)
        if draining { return false }
        draining = true
        return true
    }

    /// The next batch, oldest first; empty (and the queue idle again) when nothing waits.
    func next() -> [Job] {
        if pending.isEmpty { draining = false; return [] }
        let n = min(maxBatch, pending.count)
        let batch = Array(pending.prefix(n))
        pending.removeFirst(n)
        return batch
    }

    nonisolated func drain(_ app: Application) async {
        while true {
            let batch = await next()
            if batch.isEmpty { return }
            await Self.run(batch, app)
        }
    }

    private static func run(_ batch: [Job], _ app: Application) async {
        let outcomes: [Result<any Sendable, any Error>]
        do {
            outcomes = try await app.db.withConnection { conn in
                try await withTaskExecutorPreference(EventLoopTaskExecutor(conn.eventLoop)) { try await run(batch, on: conn) }
            }
        } catch {
            // Nothing of the batch was committed: every write in it fails with this error.
            outcomes = Array(repeating: .failure(error), count: batch.count)
        }
        for (job, outcome) in zip(batch, outcomes) { job.done.resume(with: outcome) }
    }

    private static func run(_ batch: [Job], on conn: any Database) async throws -> [Result<any Sendable, any Error>] {
        try await conn.sql.raw("BEGIN IMMEDIATE").run()
        do {
            var results: [Result<any Sendable, any Error>] = []
            if batch.count == 1 {
                // Alone: the transaction is the write's own; its error rolls it back (below) and is its caller's.
                results.append(.success(try await batch[0].body(conn)))
            } else {
                for job in batch {
                    try await conn.sql.raw("SAVEPOINT lvyue_write").run()
                    do {
                        let value = try await job.body(conn)
                        try await conn.sql.raw("RELEASE lvyue_write").run()
                        results.append(.success(value))
                    } catch {
                        // If the savepoint cannot be rolled back the transaction is gone: the whole batch fails.
                        try await conn.sql.raw("ROLLBACK TO lvyue_write").run()
                        try await conn.sql.raw("RELEASE lvyue_write").run()
                        results.append(.failure(error))
                    }
                }
            }
            if results.contains(where: { if case .success = $0 { true } else { false } }) {
                try await conn.sql.raw("COMMIT").run()
            } else {
                try await conn.sql.raw("ROLLBACK").run()
            }
            return results
        } catch {
            try? await conn.sql.raw("ROLLBACK").run()
            throw error
        }
    }
}

/// Runs a task's jobs on one event loop. The write batch runs there, on its connection's loop: each statement's result
/// arrives on that loop and the batch goes on at once, instead of waking a thread of the shared pool after every
/// statement (a creation runs about fifteen).
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop
    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension Application {
    private struct WriteQueueKey: StorageKey { typealias Value = WriteQueue }

    var writeQueue: WriteQueue {
        if let queue = storage[WriteQueueKey.self] { return queue }
        let queue = WriteQueue(maxBatch: Environment.get("LVYUE_WRITE_BATCH").flatMap(Int.init) ?? 64)
        storage[WriteQueueKey.self] = queue
        return queue
    }

    var isSQLite: Bool { (db as? any SQLDatabase)?.dialect.name == "sqlite" }
}

extension Database {
    var sql: any SQLDatabase { self as! any SQLDatabase }
    var isSQLite: Bool { sql.dialect.name == "sqlite" }
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
            let job = WriteQueue.Job(body: { try await body($0) }, done: done)
            Task {
                if await queue.enqueue(job) { await queue.drain(app) }
            }
        }
        return value as! T
    }
}
