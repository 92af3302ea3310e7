import Fluent
import SQLKit
import Vapor

/// The application's entry: reads the command line, prepares the database where the command needs it, runs.
public enum Lvyue {
    public static func main() async throws {
        var env = try Environment.detect()
        try LoggingSystem.bootstrap(from: &env)
        // `--demo` belongs to `serve`; Vapor's serve command does not know it, so it is taken off here.
        let demo = env.arguments.contains("--demo")
        env.arguments = CommandLineArguments.escapingNegativeNumbers(env.arguments)
        env.arguments.removeAll { $0 == "--demo" }
        let command = env.arguments.dropFirst().first.flatMap { $0.hasPrefix("-") ? nil : $0 } ?? "serve"

        let app = try await Application.make(env)
        do {
            try await configure(app)
            if command == "serve" {
                try await prepare(app, demo: demo)
                // Every minute by default; `LVYUE_SWEEP_SECONDS=0` runs no sweeper in this process (another instance sweeps).
                let sweep = Environment.get("LVYUE_SWEEP_SECONDS").flatMap(Int.init) ?? 60
                if sweep > 0 { app.lifecycle.use(SweeperLifecycle(interval: .seconds(sweep))) }
                app.lifecycle.use(JobRunnerLifecycle())  // issue #8
            }
            try await app.execute()
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("lvyue: \(error.description)\n".utf8))
            try? await app.asyncShutdown()
            throw error
        } catch {
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// Migrates (once, even with several instances starting together) and makes sure the first
    /// administrator exists; with `demo`, loads the demo data set if it was never loaded. `quiet` is for
    /// commands whose standard output is data (calendar arithmetic): no logs, no first-start banner.
    static func prepare(_ app: Application, demo: Bool, quiet: Bool = false) async throws {
        if quiet { app.logger.logLevel = .warning }
        // Several instances starting together on one PostgreSQL: the first start's rows (administrator, built-in
        // calendars, demo) are created by one of them while the others wait (a lock of their own: `migrate` takes
        // the migration lock inside).
        try await withStartLock(app) {
            try await migrate(app)
            if !quiet { try await Bootstrap.ensureAdministrator(app) }
            try await CalendarService.ensureBuiltins(app)
            if demo { try await DemoData.loadOnce(app) }
        }
    }

    static func withStartLock(_ app: Application, _ body: @escaping @Sendable () async throws -> Void) async throws {
        if app.isSQLite { return try await body() }
        let key = MigrationLock.key + 2
        try await app.db.withConnection { conn in
            try await conn.sql.raw("SELECT pg_advisory_lock(\(literal: key))").run()
            do {
                try await body()
                try await conn.sql.raw("SELECT pg_advisory_unlock(\(literal: key))").run()
            } catch {
                try? await conn.sql.raw("SELECT pg_advisory_unlock(\(literal: key))").run()
                throw error
            }
        }
    }

    static func migrate(_ app: Application) async throws {
        if app.isSQLite {
            // WAL lets readers go on while one writer writes; the setting is stored in the database file.
            try await app.db.sql.raw("PRAGMA journal_mode=WAL").run()
            _ = app.writeQueue  // made here, before concurrent writers can race to make it
            try await app.autoMigrate()
            return
        }
        // Two instances starting at once: the second waits here until the first has migrated.
        try await app.db.withConnection { conn in
            try await conn.sql.raw("SELECT pg_advisory_lock(\(literal: MigrationLock.key))").run()
            do {
                try await app.autoMigrate()
                try await conn.sql.raw("SELECT pg_advisory_unlock(\(literal: MigrationLock.key))").run()
            } catch {
                try? await conn.sql.raw("SELECT pg_advisory_unlock(\(literal: MigrationLock.key))").run()
                throw error
            }
        }
    }

    enum MigrationLock {
        static let key: Int64 = 0x6C76_7975_6501  // "lvyue" + 1
    }
}

enum Bootstrap {
    static let defaultDepartments: [(code: String, name: String)] = [
        ("legal", "法务部"), ("project", "项目部"), ("technical", "技术部"), ("finance", "财务部"), ("service", "客服部"),
    ]

    /// First start: the standard departments and user `admin`. Its password comes from `LVYUE_ADMIN_PASSWORD`,
    /// or is generated and printed once (it is never stored in clear, so it cannot be printed again).
    static func ensureAdministrator(_ app: Application) async throws {
        if try await User.query(on: app.db).count() > 0 { return }
        let generated = app.config.adminPassword == nil
        let password = app.config.adminPassword ?? String(SecureToken.make(bytes: 12).prefix(16))
        if let problem = Passwords.policyProblem(password) {
            throw AppError.invalid(fields: ["LVYUE_ADMIN_PASSWORD": problem])
        }
        let hash = try await Passwords.hash(password, app: app)
        let now = app.deps.now()
        let newID = app.deps.newID
        try await Store.write(app) { db in
            var admin: Department?
            if try await Department.query(on: db).count() == 0 {
                for (code, name) in defaultDepartments {
                    let d = Department(id: newID(), code: code, name: name)
                    try await d.create(on: db)
                    try await AuditLog.append(on: db, at: now, actor: .system, action: "create", entityType: Department.entityType,
                                              entityID: d.id!.uuidString, after: d.response(ResponseContext(now: now)))
                    if code == "project" { admin = d }
                }
            }
            let user = User()
            user.id = newID()
            user.username = "admin"
            user.displayName = "系统管理员"
            user.role = .administrator
            user.$department.id = admin?.id
            user.passwordHash = hash
            user.active = true
            user.version = 1
            try await user.create(on: db)
            try await AuditLog.append(on: db, at: now, actor: .system, action: "create", entityType: User.entityType,
                                      entityID: user.id!.uuidString, after: user.response(ResponseContext(now: now)))
        }
        if generated {
            print("""

            ┌──────────────────────────────────────────────────────────────┐
              lvyue: first start — administrator account created
                username: admin
                password: \(password)
              This password is shown once. Change it after logging in.
            └──────────────────────────────────────────────────────────────┘

            """)
        }
    }
}

enum CommandLineArguments {
    /// `--days -3` would read as an unknown flag `-3`; the command parser takes a value escaped with `\`.
    static func escapingNegativeNumbers(_ arguments: [String]) -> [String] {
        var out: [String] = []
        for arg in arguments {
            if let previous = out.last, previous.hasPrefix("--"), arg.count > 1, arg.first == "-",
               arg.dropFirst().allSatisfy({ $0.isNumber }) {
                out.append("\\" + arg)
            } else {
                out.append(arg)
            }
        }
        return out
    }
}
