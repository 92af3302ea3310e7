@testable import App
import Fluent
import SQLKit
import Foundation
import NIOConcurrencyHelpers
import Testing
import VaporTesting

/// A clock tests set and advance; every "now" in the app reads it.
final class TestClock: Sendable {
    private let current: NIOLockedValueBox<Date>
    init(_ start: Date) { current = NIOLockedValueBox(start) }
    var now: Date { current.withLockedValue { $0 } }
    func set(_ date: Date) { current.withLockedValue { $0 = date } }
    func advance(hours: Double) { current.withLockedValue { $0 = $0.addingTimeInterval(hours * 3600) } }
}

/// Deterministic time-ordered ids: 00000000-0000-7000-8000-<counter>.
final class TestIDs: Sendable {
    private let counter = NIOLockedValueBox(0)
    func next() -> UUID {
        let n = counter.withLockedValue { $0 += 1; return $0 }
        return UUID(uuidString: String(format: "00000000-0000-7000-8000-%012x", n))!
    }
}

struct TestEnv: Sendable {
    let app: Application
    let clock: TestClock
    let adminToken: String
    var db: any Database { app.db }
}

enum TestDatabase {
    /// `LVYUE_TEST_DATABASE_URL` names a PostgreSQL database: each test then gets its own schema in it.
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["LVYUE_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
    static var name: String { postgresURL == nil ? "sqlite" : "postgresql" }
}

let testAdminPassword = "correct-horse-42"
/// 2026-03-10 10:00 in Shanghai, a Tuesday.
let testStart = Date(timeIntervalSince1970: 1_773_108_000)

/// Bounds how many test apps run at once: Swift Testing starts every test together, and each app holds
/// database connections (PostgreSQL allows 100 by default).
actor TestGate {
    static let shared = TestGate(permits: 4)
    private var permits: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    init(permits: Int) { self.permits = permits }

    func acquire() async {
        if permits > 0 { permits -= 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { permits += 1 } else { waiters.removeFirst().resume() }
    }
}

/// Boots a migrated app on a fresh database (a new SQLite file, or a new PostgreSQL schema), with a fixed
/// clock, deterministic ids and an administrator token; always shuts down and cleans up.
func withTestApp(_ body: (TestEnv) async throws -> Void) async throws {
    await TestGate.shared.acquire()
    do {
        try await runTestApp(body)
    } catch {
        await TestGate.shared.release()
        throw error
    }
    await TestGate.shared.release()
}

private func runTestApp(_ body: (TestEnv) async throws -> Void) async throws {
    let clock = TestClock(testStart)
    let ids = TestIDs()
    let tokens = TestIDs()
    let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
    let sqlitePath = FileManager.default.temporaryDirectory.appendingPathComponent("lvyue-test-\(tag).sqlite").path
    let schema = "t_\(tag)"

    try await withApp(configure: { app in
        var config = AppConfig.fromEnvironment()
        config.sqlitePath = sqlitePath
        config.databaseURL = TestDatabase.postgresURL
        config.postgresSchema = TestDatabase.postgresURL == nil ? nil : schema
        config.adminPassword = testAdminPassword
        app.config = config
        app.deps = AppDependencies(now: { clock.now }, newID: { ids.next() }, randomToken: { "tok-" + tokens.next().uuidString })
        Passwords.setCost(app, 4)
        app.logger.logLevel = .warning
        try await configure(app)
        if TestDatabase.postgresURL != nil {
            try await app.db.sql.raw("CREATE SCHEMA \(unsafeRaw: schema)").run()
        }
        try await Lvyue.prepare(app, demo: false)
    }) { app in
        @Sendable func dropSchema(_ app: Application) async throws {
            if TestDatabase.postgresURL != nil { try await app.db.sql.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run() }
        }
        defer {
            try? FileManager.default.removeItem(atPath: sqlitePath)
            try? FileManager.default.removeItem(atPath: sqlitePath + "-wal")
            try? FileManager.default.removeItem(atPath: sqlitePath + "-shm")
        }
        let token = try await AuthService.issueToken(app, user: try await User.query(on: app.db).filter(\.$username == "admin").first()!,
                                                     name: "test", expiresInHours: nil).token
        let env = TestEnv(app: app, clock: clock, adminToken: token)
        do {
            try await body(env)
        } catch {
            try? await dropSchema(app)
            throw error
        }
        try await dropSchema(app)
    }
}
