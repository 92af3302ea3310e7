import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Online backup and restore of the SQLite database. PostgreSQL installations use pg_dump / pg_restore.
enum Backup {
    static let postgresHint = "on PostgreSQL use pg_dump / pg_restore (see the README, \"Backup and restore\")"

    /// A consistent copy of the live database at `path` (`VACUUM INTO` reads one snapshot, so writers may go on).
    /// Refuses an existing file: a backup never overwrites anything.
    static func backup(_ app: Application, to path: String) async throws {
        guard app.isSQLite else { throw CLIError("backup copies the SQLite database; \(postgresHint)") }
        let target = URL(fileURLWithPath: path).standardizedFileURL.path
        if FileManager.default.fileExists(atPath: target) { throw CLIError("\(path) already exists; choose a new file name") }
        try await app.db.sql.raw("VACUUM INTO \(bind: target)").run()
    }

    struct Check: Sendable {
        var integrity: String
        var auditEvents: Int
        var auditProblem: String?
    }

    /// Opens a backup file read-only through its own database id and checks it: SQLite's integrity check and
    /// the audit chain.
    static func check(_ app: Application, file path: String) async throws -> Check {
        let id = DatabaseID(string: "backup-\(UUID().uuidString)")
        app.databases.use(.sqlite(.file(path)), as: id, isDefault: false)
        guard let db = app.databases.database(id, logger: app.logger, on: app.eventLoopGroup.any()) else {
            throw CLIError("cannot open \(path)")
        }
        struct Row: Decodable { var integrity_check: String }
        let rows = try await db.sql.raw("PRAGMA integrity_check").all(decoding: Row.self)
        let integrity = rows.map(\.integrity_check).joined(separator: "; ")
        let tables = try await db.sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'").all()
        guard !tables.isEmpty else { throw CLIError("\(path) is not an lvyue database (no audit trail)") }
        let verified = try await AuditVerifier.verify(on: db)
        return Check(integrity: integrity, auditEvents: verified.checked, auditProblem: verified.problem)
    }

    /// Replaces the database at the configured path by `file`, after checking it. The database being replaced is
    /// kept next to it as `<path>.before-restore-<time>`. The server must be stopped.
    static func restore(_ app: Application, from file: String, now: Date) async throws -> (Check, String?) {
        guard app.isSQLite else { throw CLIError("restore replaces the SQLite database; \(postgresHint)") }
        let fm = FileManager.default
        let source = URL(fileURLWithPath: file).standardizedFileURL.path
        guard fm.fileExists(atPath: source) else { throw CLIError("\(file) does not exist") }
        let target = URL(fileURLWithPath: app.config.sqlitePath).standardizedFileURL.path
        if source == target { throw CLIError("\(file) is the live database itself") }
        let check = try await check(app, file: source)
        guard check.integrity == "ok" else { throw CLIError("\(file) fails the integrity check: \(check.integrity)") }
        if let problem = check.auditProblem { throw CLIError("\(file): audit chain broken: \(problem)") }

        var kept: String?
        if fm.fileExists(atPath: target) {
            let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
            kept = target + ".before-restore-" + stamp
            try fm.moveItem(atPath: target, toPath: kept!)
            for suffix in ["-wal", "-shm"] where fm.fileExists(atPath: target + suffix) {
                try fm.moveItem(atPath: target + suffix, toPath: kept! + suffix)
            }
        }
        let partial = target + ".restoring"
        try? fm.removeItem(atPath: partial)
        try fm.copyItem(atPath: source, toPath: partial)
        try fm.moveItem(atPath: partial, toPath: target)
        return (check, kept)
    }
}

/// `lvyue backup FILE` — a consistent copy of the SQLite database, safe while the server runs.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "the backup file to create (must not exist)") var file: String
    }
    var help: String { "Copy the SQLite database to FILE while the server runs (VACUUM INTO)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let started = Date()
        try await Backup.backup(context.application, to: signature.file)
        let size = (try? FileManager.default.attributesOfItem(atPath: signature.file)[.size] as? Int) ?? 0
        context.console.print(String(format: "backup written to %@ (%.1f MB, %.1f s)", signature.file, Double(size) / 1_048_576,
                                     Date().timeIntervalSince(started)))
    }
}

/// `lvyue restore FILE` — with the server stopped, replaces the database by a checked backup.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "a file written by lvyue backup") var file: String
    }
    var help: String { "Replace the SQLite database by a backup (stop the server first); the old file is kept." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let (check, kept) = try await Backup.restore(app, from: signature.file, now: app.deps.now())
        context.console.print("restored \(signature.file) to \(app.config.sqlitePath): integrity ok, audit chain intact (\(check.auditEvents) events)")
        if let kept { context.console.print("the database it replaced is kept as \(kept)") }
    }
}
