@testable import App
import Fluent
import Foundation
import LvyueCore
import SQLKit
import Testing
import VaporTesting

/// `Store.write` on SQLite groups the writes waiting at a moment into one transaction, each in its own savepoint; on
/// PostgreSQL each is its own transaction. Either way every write is atomic with its audit event, a failing write
/// leaves nothing behind, and the audit chain stays one unbroken sequence.
@Suite("Group commit")
struct GroupCommitTests {
    struct Refused: Error {}

    @Test func concurrentWritesEachAtomicWithTheirAuditEvent() async throws {
        try await withTestApp { env in
            let app = env.app
            let before = try await AuditEvent.query(on: env.db).count()
            let counterBefore = try await Counters.value("group-commit-test", on: env.db)
            // 40 writes at once; every fourth appends its audit event and bumps the counter, then fails.
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        do {
                            try await Store.write(app) { db in
                                _ = try await Counters.next("group-commit-test", on: db)
                                try await AuditLog.append(on: db, at: Date(timeIntervalSince1970: 1_790_000_000), actor: .system,
                                                          action: "test", entityType: "group_commit", entityID: "\(i)")
                                if i % 4 == 3 { throw Refused() }
                            }
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                var ok = 0
                for await success in group where success { ok += 1 }
                return ok
            }
            #expect(outcomes == 30)
            #expect(try await AuditEvent.query(on: env.db).count() == before + 30)
            #expect(try await Counters.value("group-commit-test", on: env.db) == counterBefore + 30)
            let failedIDs = try await AuditEvent.query(on: env.db).filter(\.$entityType == "group_commit").all().map(\.entityID)
            #expect(Set(failedIDs).count == 30)
            #expect(failedIDs.allSatisfy { (Int($0) ?? 3) % 4 != 3 })
            let verified = try await AuditVerifier.verify(on: env.db)
            #expect(verified.problem == nil)
            #expect(verified.checked == before + 30)
        }
    }

    /// A write whose log the disk does not confirm is not reported as done: its caller gets a 503 naming the storage.
    @Test func aWriteTheDiskDoesNotConfirmIsNotAcknowledged() async throws {
        try await withTestApp { env in
            let app = env.app
            guard app.isSQLite else { return }
            let writer = SQLiteWriter(path: app.config.sqlitePath, sync: { _ in errno = EIO; return -1 })
            let queue = WriteQueue(maxBatch: 4, writer: writer)
            await #expect {
                _ = try await withCheckedThrowingContinuation { done in
                    queue.submit(.init(body: { db in try await Counters.next("unconfirmed", on: db) }, done: done), app)
                }
            } throws: { ($0 as? LogSyncFailed)?.status == .serviceUnavailable }
            #expect(writer.logSync.syncs == 1)
            try await writer.close()
        }
    }

    @Test func aWriteIsVisibleWhenItsCallerHearsOfIt() async throws {
        try await withTestApp { env in
            let app = env.app
            // Each caller reads its own write back at once (on another connection): it was committed before the return.
            let seen = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let n = try await Store.write(app) { db in try await Counters.next("visible-\(i)", on: db) }
                        return try await Counters.value("visible-\(i)", on: app.db) == n
                    }
                }
                var all = 0
                for try await s in group where s { all += 1 }
                return all
            }
            #expect(seen == 20)
        }
    }

    /// On SQLite the batches run on a connection of their own, through SQLite's C interface with statements kept
    /// prepared (`SQLiteWriter`). What it writes reads back the same on the pooled connections; a constraint error is
    /// one Fluent recognises and undoes only its own write; more distinct statements than it keeps still run right.
    /// The same is asked of PostgreSQL's transactions.
    @Test func theWriteConnectionWritesWhatTheReadersRead() async throws {
        try await withTestApp { env in
            let app = env.app
            let at = Date(timeIntervalSince1970: 1_790_000_000.25)
            let id = UUID()
            try await Store.write(app) { db in
                try await db.sql.raw("""
                    CREATE TABLE IF NOT EXISTS writer_check (id UUID PRIMARY KEY, n BIGINT, x DOUBLE PRECISION, t TEXT, at TIMESTAMPTZ, b BOOLEAN, z TEXT)
                    """).run()
            }
            let readInside = try await Store.write(app) { db in
                try await db.sql.raw("""
                    INSERT INTO writer_check (id, n, x, t, at, b, z) VALUES (\(bind: id), \(bind: Int64.max), \(bind: 2.5), \(bind: "履约 'quoted'"), \(bind: at), \(bind: true), \(bind: String?.none))
                    """).run()
                return try await db.sql.raw("SELECT t FROM writer_check WHERE id = \(bind: id)").first()?.decode(column: "t", as: String.self)
            }
            #expect(readInside == "履约 'quoted'")
            let row = try #require(try await app.db.sql.raw("SELECT * FROM writer_check WHERE id = \(bind: id)").first())
            #expect(try row.decode(column: "id", as: UUID.self) == id)
            #expect(try row.decode(column: "n", as: Int64.self) == Int64.max)
            #expect(try row.decode(column: "x", as: Double.self) == 2.5)
            #expect(try row.decode(column: "at", as: Date.self) == at)
            #expect(try row.decode(column: "b", as: Bool.self))
            #expect(try row.decodeNil(column: "z"))

            // The same key again: refused as a constraint failure, and the counter bumped before it is undone with it.
            await #expect {
                try await Store.write(app) { db in
                    _ = try await Counters.next("writer-check", on: db)
                    try await db.sql.raw("INSERT INTO writer_check (id, n) VALUES (\(bind: id), 1)").run()
                }
            } throws: { ($0 as? any DatabaseError)?.isConstraintFailure == true }
            #expect(try await Counters.value("writer-check", on: app.db) == 0)

            // More distinct statements than the writer keeps prepared, in one write and each read back.
            let count = DirectSQLiteConnection.keptStatements + 44
            let sum = try await Store.write(app) { db in
                var sum = 0
                for i in 0..<count {
                    let row = try await db.sql.raw(SQLQueryString("SELECT \(unsafeRaw: String(i)) + \(bind: 1) AS v")).first()
                    sum += try row?.decode(column: "v", as: Int.self) ?? 0
                }
                return sum
            }
            #expect(sum == count * (count + 1) / 2)

            // A statement kept prepared is run again with other values without being planned again, even one whose
            // plan looked at its values (an equality filtered after the index).
            if app.isSQLite {
                @Sendable func versions(_ scope: String) async throws {
                    _ = try await Store.write(app) { db in
                        try await TemplateLibrary.effectiveVersionIDs([(.workInstruction, scope), (.satisfactionSurvey, scope)],
                                                                      on: LocalDate(year: 2026, month: 3, day: 2)!, db: db)
                    }
                }
                try await versions("a")
                let before = app.writeQueue.writer.connection.statementCounts
                for scope in ["b", "c", "a"] { try await versions(scope) }
                let after = app.writeQueue.writer.connection.statementCounts
                #expect(after.prepared == before.prepared)
                #expect(after.replanned == before.replanned)

                // The writer leaves most checkpoints to its checkpointer, which copies the whole log back when no
                // reader still needs it.
                let autocheckpoint = try await Store.write(app) { db in
                    try await db.sql.raw("PRAGMA wal_autocheckpoint").first()?.decode(column: "wal_autocheckpoint", as: Int.self)
                }
                #expect(autocheckpoint == DirectSQLiteConnection.writerCheckpointPages)

                // In WAL mode the writer commits without syncing the log and leaves that to `LogSync`, which has
                // synced by the time a caller hears of its write.
                let synchronous = try await Store.write(app) { db in
                    try await db.sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                }
                #expect(synchronous == 1)
                #expect(app.writeQueue.writer.connection.leavesLogSync)
                for i in 0..<5 {
                    let syncs = app.writeQueue.writer.logSync.syncs
                    _ = try await Store.write(app) { db in try await Counters.next("synced-\(i)", on: db) }
                    #expect(app.writeQueue.writer.logSync.syncs > syncs)
                }
                let checkpointed = try app.writeQueue.writer.checkpoint()
                #expect(checkpointed.frames >= 0)
                #expect(checkpointed.copied == checkpointed.frames)
            }
            try await Store.write(app) { db in try await db.sql.raw("DROP TABLE writer_check").run() }
        }
    }
}

@Suite("Group commit: a busy database")
struct BusyWriterTests {
    /// A write that waited out the writer's whole busy timeout behind another process is answered 503 with
    /// `Retry-After`, not as an internal error; other SQLite errors stay 500s that leak nothing.
    /// Short API writes run on their connection's event loop; reads and the writes marked as running long do not.
    @Test func shortWritesStayOnTheirEventLoop() async throws {
        try await withTestApp { env in
            func route(_ method: HTTPMethod, _ path: String) -> Route? {
                env.app.routes.all.first { $0.method == method && $0.path.map(\.description).joined(separator: "/") == path }
            }
            func stays(_ method: HTTPMethod, _ path: String) throws -> Bool {
                let request = Request(application: env.app, method: method, url: URI(path: "/" + path), on: env.app.eventLoopGroup.any())
                let found = route(method, path)
                #expect(found != nil, "no route \(method) /\(path)")
                request.route = found
                return AsyncMiddlewareChain.staysOnEventLoop(request)
            }
            let short = [try stays(.POST, "api/v1/service-requests"), try stays(.POST, "api/v1/service-requests/:id/events")]
            let pooled = [try stays(.GET, "api/v1/service-requests"), try stays(.POST, "api/v1/imports/contracts"),
                          try stays(.POST, "api/v1/reports/quarterly/freeze"), try stays(.POST, "api/v1/jobs/contract-import"),
                          try stays(.POST, "api/v1/milestones/:id/attachments"), try stays(.POST, "api/v1/calendars/:id/import"),
                          try stays(.POST, "api/v1/intake/email")]
            #expect(short == [true, true])
            #expect(pooled == [false, false, false, false, false, false, false])

            // The chain runs its middlewares and the handler in one task, there: each answers whether it ran on the
            // request's event loop (a thread of the concurrency pool never is one).
            struct Where: AsyncMiddleware {
                func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
                    let answer = try await next.respond(to: request)
                    answer.headers.add(name: "X-Middleware-On-Loop", value: "\(request.eventLoop.inEventLoop)")
                    return answer
                }
            }
            let handler = AsyncBasicResponder { request in
                Response(status: .ok, headers: ["X-Handler-On-Loop": "\(request.eventLoop.inEventLoop)"])
            }
            func ranOnLoop(_ method: HTTPMethod, _ path: String) async throws -> [String?] {
                let request = Request(application: env.app, method: method, url: URI(path: "/" + path), on: env.app.eventLoopGroup.any())
                let found = route(method, path)
                #expect(found != nil, "no route \(method) /\(path)")
                request.route = found
                let answer = try await AsyncMiddlewareChain(Where(), Where()).respond(to: request, chainingTo: handler).get()
                return answer.headers["X-Middleware-On-Loop"] + [answer.headers.first(name: "X-Handler-On-Loop")]
            }
            let write = try await ranOnLoop(.POST, "api/v1/service-requests")
            let read = try await ranOnLoop(.GET, "api/v1/service-requests")
            #expect(write == ["true", "true", "true"])
            #expect(read == ["false", "false", "false"])
        }
    }

    @Test func aBusyDatabaseIsAServiceUnavailableAnswer() {
        let busyError = SQLiteWriterError.failure(5, nil)  // SQLITE_BUSY
        let busy = LvyueErrorMiddleware.map(busyError)
        #expect(busy.status == .serviceUnavailable)
        #expect(busy.code == "busy")
        let answer = Response()
        LvyueErrorMiddleware.keepRetryAfter(busyError, answer)
        #expect(answer.headers.first(name: "Retry-After") == "5")
        let snapshotBusy = LvyueErrorMiddleware.map(SQLiteWriterError.failure(5 | (2 << 8), nil))  // SQLITE_BUSY_SNAPSHOT
        #expect(snapshotBusy.status == .serviceUnavailable)
        let other = LvyueErrorMiddleware.map(SQLiteWriterError.failure(1, nil))  // SQLITE_ERROR
        #expect(other.status == .internalServerError)
        #expect(!other.message.contains("SQL"))
    }
}

extension Counters {
    /// The current value of a counter (0 if it was never used); for tests.
    static func value(_ name: String, on db: any Database) async throws -> Int {
        let row = try await db.sql.raw("SELECT value FROM counters WHERE name = \(bind: name)").first()
        return Int(try row?.decode(column: "value", as: Int64.self) ?? 0)
    }
}
