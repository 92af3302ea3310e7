import Fluent
import FluentSQLiteDriver
import SQLKit
import Vapor

/// Serialises writers inside one process. SQLite allows one writer at a time; queuing here, in order,
/// avoids writers spinning in SQLite's busy handler. On PostgreSQL it is not used.
actor WriteGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

extension Application {
    private struct WriteGateKey: StorageKey { typealias Value = WriteGate }

    var writeGate: WriteGate {
        if let gate = storage[WriteGateKey.self] { return gate }
        let gate = WriteGate()
        storage[WriteGateKey.self] = gate
        return gate
    }

    var isSQLite: Bool { (db as? any SQLDatabase)?.dialect.name == "sqlite" }
}

extension Database {
    var sql: any SQLDatabase { self as! any SQLDatabase }
    var isSQLite: Bool { sql.dialect.name == "sqlite" }
}

enum Store {
    /// Runs `body` as one write transaction: on SQLite `BEGIN IMMEDIATE` (the write lock is taken up front, so
    /// two writers never deadlock upgrading a read lock) behind the in-process gate; on PostgreSQL a normal
    /// transaction. Everything written in `body` — the change and its audit event — commits or rolls back together.
    static func write<T: Sendable>(_ app: Application, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard app.isSQLite else {
            return try await app.db.transaction { try await body($0) }
        }
        let gate = app.writeGate
        await gate.acquire()
        do {
            let result = try await app.db.withConnection { conn in
                try await conn.sql.raw("BEGIN IMMEDIATE").run()
                do {
                    let value = try await body(conn)
                    try await conn.sql.raw("COMMIT").run()
                    return value
                } catch {
                    try? await conn.sql.raw("ROLLBACK").run()
                    throw error
                }
            }
            await gate.release()
            return result
        } catch {
            await gate.release()
            throw error
        }
    }
}
