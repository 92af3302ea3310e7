import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import LeafKit
import NIOSSL
import Vapor

/// Settings read from the environment (DESIGN.md §6).
struct AppConfig: Sendable {
    var sqlitePath: String
    var databaseURL: String?
    var adminPassword: String?
    var baseURL: String
    /// PostgreSQL schema to work in (`LVYUE_PG_SCHEMA`); tests give each run its own.
    var postgresSchema: String?

    static func fromEnvironment() -> AppConfig {
        AppConfig(
            sqlitePath: Environment.get("LVYUE_DB") ?? "./lvyue.sqlite",
            databaseURL: Environment.get("DATABASE_URL").flatMap { $0.isEmpty ? nil : $0 },
            adminPassword: Environment.get("LVYUE_ADMIN_PASSWORD").flatMap { $0.isEmpty ? nil : $0 },
            baseURL: Environment.get("LVYUE_BASE_URL") ?? "http://127.0.0.1:8080",
            postgresSchema: Environment.get("LVYUE_PG_SCHEMA").flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }
    var config: AppConfig {
        get { storage[ConfigKey.self] ?? .fromEnvironment() }
        set { storage[ConfigKey.self] = newValue }
    }
}

/// Configures databases, migrations, views, middleware, routes and commands. Nothing here touches the
/// database: migrating and seeding happen in `Lvyue.prepare` so `configure` is cheap for tests.
public func configure(_ app: Application) async throws {
    let config = app.config
    app.config = config  // read from the environment once, not on every request
    if let url = config.databaseURL {
        var pg = try SQLPostgresConfiguration(url: url)
        if url.contains("sslmode=disable") || url.contains("@localhost") || url.contains("@127.0.0.1") { pg.coreConfiguration.tls = .disable }
        if let schema = config.postgresSchema { pg.searchPath = [schema] }
        // Several connections per loop: migration holds one for the advisory lock while running on others.
        app.databases.use(.postgres(configuration: pg, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: .seconds(30)), as: .psql)
    } else {
        // Several connections per loop too: reads go on (WAL lets them) while the write queue holds one for its batch.
        app.databases.use(.sqlite(.file(config.sqlitePath), maxConnectionsPerEventLoop: 4, connectionPoolTimeout: .seconds(30)), as: .sqlite)
    }

    Migrations.register(on: app)

    app.routes.defaultMaxBodySize = "1mb"
    app.views.use(.leaf)
    // Not `.default`: its "visible files only" rule refuses any path with a dot-folder in it, and the bundle
    // lives under `.build/` during development and tests. Templates stay confined to the views folder.
    app.leaf.sources = .singleSource(NIOLeafFiles(
        fileio: app.fileio, limits: [.toSandbox, .requireExtensions], sandboxDirectory: Resources.views, viewDirectory: Resources.views))
    app.leaf.configuration.rootDirectory = Resources.views
    app.leaf.cache.isEnabled = app.environment.isRelease || app.environment == .testing

    app.middleware = Middlewares()
    // Outermost, so error responses (the JSON envelope and the error page) carry the headers too (issue #5).
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(LvyueErrorMiddleware())
    app.middleware.use(SecurityLogMiddleware())  // issue #5: 403s in the security log (at most one per user, route and minute)
    _ = app.denialLimiter  // made before requests arrive
    _ = app.readCache  // issue #9: made before requests arrive; its data-version connection closes with the app
    app.lifecycle.use(ReadCacheLifecycle())
    app.lifecycle.use(WriteQueueLifecycle())  // SQLite's writer connection and its thread
    app.middleware.use(PublicFilesMiddleware(publicDirectory: Resources.publicDirectory))

    try routes(app)
    Commands.register(on: app)
}

enum Migrations {
    static func register(on app: Application) {
        app.migrations.add(CreateAuditTrail())
        app.migrations.add(CreateIdentity())
        app.migrations.add(CreateContracts())
        app.migrations.add(CreateCalendars())
        // Fulfilment monitoring (issue #4)
        app.migrations.add(CreateQualityResults())
        app.migrations.add(CreateRisks())
        app.migrations.add(CreateAlerts())
        app.migrations.add(CreateEscalations())
        app.migrations.add(CreateNotifications())
        // After-sales service (issue #6)
        app.migrations.add(CreateServiceDesk())
        app.migrations.add(SeedWorkInstructions())
        // Access control, attachments, sign-in throttling (issue #5)
        app.migrations.add(CreateLoginFailures())
        app.migrations.add(CreateContractMembers())
        app.migrations.add(CreateAttachments())
        app.migrations.add(CreateSignInLinks())
        // Template library (issue #7)
        app.migrations.add(CreateTemplateLibrary())
        app.migrations.add(SeedTemplateLibrary())
        app.migrations.add(CreateResourcePlanning())  // issue #10
        app.migrations.add(AttachmentsOnServiceRequests())  // issue #5: files on service requests
        app.migrations.add(AddExportIndexes())  // issue #7
        // Quarterly report and improvement actions (issue #7)
        app.migrations.add(CreateAnalytics())
        app.migrations.add(AddResourceLoadIndexes())  // issue #10: load view and resource status at scale
        app.migrations.add(CreateJobs())  // issue #8
        app.migrations.add(AddDashboardIndexes())  // issue #9: the dashboard's indexes at scale L
        app.migrations.add(AddMessageKeys())  // issue #8: system text in the reader's language
        app.migrations.add(AddRiskMessageKeys())  // issue #8: a risk's last reason in the reader's language
        app.migrations.add(AddOpenAlertIndex())  // issue #9: the dashboard's open alerts without a scan
        app.migrations.add(AddMilestoneTotals())  // issue #9: the dashboard's milestone counts kept by triggers
        app.migrations.add(AddFiredRiskIndex())  // issue #9: the dashboard's fired risks without a scan
    }
}

/// Views, locales and static files ship inside the binary's resource bundle so `lvyue serve` works from any directory.
enum Resources {
    /// Foundation on Linux reports a bundle holding a `Resources` folder with that folder as its `resourcePath`,
    /// on macOS the bundle itself: accept either rather than doubling `Resources/Resources`.
    static let root: String = {
        let fm = FileManager.default
        for base in [Bundle.module.resourcePath, Bundle.module.bundlePath].compactMap({ $0 }) {
            if fm.fileExists(atPath: base + "/Resources/Views") { return base + "/Resources/" }
            if fm.fileExists(atPath: base + "/Views") && base.hasSuffix("/Resources") { return base + "/" }
        }
        return "Sources/App/Resources/"
    }()
    static var views: String { root + "Views/" }
    static var locales: String { root + "Locales/" }
    static var publicDirectory: String { root + "Public/" }
}

struct SecurityHeadersMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let https = request.application.config.baseURL.lowercased().hasPrefix("https")
        return next.respond(to: request).map { response in
            response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
            response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
            response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
            // A route may set a stricter policy of its own (attachment downloads: `sandbox`).
            if !response.headers.contains(name: "Content-Security-Policy") {
                response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                              value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
            }
            if https {
                response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
            }
            return response
        }
    }
}

/// Static files (`Public/`), looked up only for paths under the folder's own top-level names (`css`, `js`,
/// `favicon.svg`): Vapor's `FileMiddleware` asks the file system about every path it sees, which would cost every
/// API request a thread hop and a `stat`.
struct PublicFilesMiddleware: Middleware {
    let files: FileMiddleware
    let topLevel: Set<String>

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory)
        topLevel = Set((try? FileManager.default.contentsOfDirectory(atPath: publicDirectory)) ?? [])
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let first = request.url.path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true).first
        guard let first, topLevel.contains(first.removingPercentEncoding ?? String(first)) else { return next.respond(to: request) }
        return files.respond(to: request, chainingTo: next)
    }
}
