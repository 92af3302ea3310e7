import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// The periodic early-warning pass (issue #4): re-evaluates every monitored contract, levels up overdue
/// escalations, then sends queued deliveries. On PostgreSQL the evaluation runs under
/// `pg_try_advisory_xact_lock`, so with several instances on one database one of them does the work and the
/// others skip; the unique firing keys would catch a double anyway.
enum Sweeper {
    static let lockKey: Int64 = 0x6C76_7975_6502  // "lvyue" + 2

    /// Advisory locks are per database; installations in different schemas of one database (tests do this) each get
    /// their own key (FNV-1a of the schema name mixed into the base key).
    static func lockKey(schema: String?) -> Int64 {
        guard let schema, !schema.isEmpty else { return lockKey }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in schema.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return lockKey ^ Int64(bitPattern: h & 0x0000_FFFF_FFFF_FFFF)
    }

    /// Takes the sweeper's lock for the rest of the write transaction: always on SQLite (one process writes), on
    /// PostgreSQL `pg_try_advisory_xact_lock`, false when another instance holds it.
    static func lock(_ key: Int64, on db: any Database) async throws -> Bool {
        if db.isSQLite { return true }
        let row = try await db.sql.raw("SELECT pg_try_advisory_xact_lock(\(bind: key)) AS locked").first()
        return try row?.decode(column: "locked", as: Bool.self) == true
    }

    /// Rows (or contracts) re-evaluated in one write transaction of a pass.
    static let rowsPerWrite = 10

    /// Runs `body` over `ids` `rowsPerWrite` at a time, each part in a write of its own under the sweeper's lock, so
    /// that on SQLite the users' writes take turns with a long pass rather than wait for all of it. Stops at the first
    /// write that finds the lock held by another instance: `skipped`, with the answers of the parts written before.
    static func inTurns<T: Sendable>(_ app: Application, lockKey: Int64, _ ids: [UUID],
                                     _ body: @escaping @Sendable ([UUID], any Database) async throws -> T) async throws -> (answers: [T], skipped: Bool) {
        var answers: [T] = []
        for start in stride(from: 0, to: ids.count, by: rowsPerWrite) {
            let part = Array(ids[start..<min(ids.count, start + rowsPerWrite)])
            let answer: T? = try await Store.write(app) { db in
                guard try await lock(lockKey, on: db) else { return nil }
                return try await body(part, db)
            }
            guard let answer else { return (answers, true) }
            answers.append(answer)
        }
        return (answers, false)
    }

    struct Report: Content {
        var skipped: Bool
        var contracts: Int
        var alertsFired: Int
        var alertsResolved: Int
        /// Issue #6: service clock alerts fired and inspections opened as requests.
        var serviceAlertsFired = 0
        var inspectionsOpened = 0
        /// Issue #7: overdue improvement actions alerted.
        var actionsOverdue = 0
        var escalationsOverdue: Int
        var deliveriesSent: Int
        var deliveriesFailed: Int
    }

    /// One pass; department loads (issue #10 triggers) are computed once for the whole pass, not per batch of contracts.
    static func runOnce(_ app: Application, actor: Actor = .system) async throws -> Report {
        try await LoadService.$passCache.withValue(LoadService.PassCache()) { try await runPass(app, actor: actor) }
    }

    private static func runPass(_ app: Application, actor: Actor) async throws -> Report {
        let now = app.deps.now()
        let ctx = MonitorContext(now: now, newID: app.deps.newID, actor: actor)
        let calendar = try await app.calendars.calendar(StandardClocks.escalationResolve.calendarId ?? "7x24", on: app.db)
        let key = lockKey(schema: app.config.postgresSchema)
        // Issue #6 first: a breached service clock feeds the sla_breach_rate trigger evaluated below.
        let service = try await ServiceSweeper.runOnce(app, ctx: ctx, lockKey: key)
        // Read-only pass outside any transaction: which contracts have a condition that fired or cleared?
        var ids = Set(try await Contract.query(on: app.db).filter(\.$status ~~ RiskEngine.monitoredStatuses).all(\.$id))
        // Contracts that left monitoring still have alerts to clear.
        let stale = try await app.db.sql.raw("SELECT DISTINCT contract_id FROM alerts WHERE status <> \(bind: AlertStatus.resolved.rawValue) AND contract_id IS NOT NULL").all()
        for row in stale { ids.insert(try row.decode(column: "contract_id", as: UUID.self)) }
        let sorted = ids.sorted { $0.uuidString < $1.uuidString }
        var changed: [UUID] = []
        var start = 0
        while start < sorted.count {
            let chunk = Array(sorted[start..<min(sorted.count, start + 200)])
            changed += try await RiskEngine.evaluate(contractIDs: chunk, on: app.db, ctx: ctx, dryRun: true).changed
            start += 200
        }
        let active = [EscalationStatus.open.rawValue, EscalationStatus.inProgress.rawValue]
        let overdueRow = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM escalations WHERE status IN (\(binds: active)) AND resolve_by <= \(bind: now) AND overdue_handled_seq < deadline_seq").first()
        let overdueDue = try (overdueRow?.decode(column: "n", as: Int.self) ?? 0) > 0
        var report = Report(skipped: false, contracts: sorted.count, alertsFired: 0, alertsResolved: 0, escalationsOverdue: 0,
                            deliveriesSent: 0, deliveriesFailed: 0)
        // The write pass re-evaluates (inside each transaction) only what changed, a few contracts to a write.
        let evaluated = try await inTurns(app, lockKey: key, changed.sorted { $0.uuidString < $1.uuidString }) { part, db in
            try await RiskEngine.evaluate(contractIDs: part, on: db, ctx: ctx)
        }
        report.skipped = evaluated.skipped
        report.alertsFired = evaluated.answers.map(\.fired).reduce(0, +)
        report.alertsResolved = evaluated.answers.map(\.resolved).reduce(0, +)
        if overdueDue && !report.skipped {
            let overdue: Int? = try await Store.write(app) { db in
                guard try await lock(key, on: db) else { return nil }
                return try await EscalationService.sweepOverdue(on: db, ctx: ctx, calendar: calendar)
            }
            report.skipped = overdue == nil
            report.escalationsOverdue = overdue ?? 0
        }
        report.serviceAlertsFired = service.alertsFired
        report.inspectionsOpened = service.inspectionsOpened
        try await TemplateLibrary.activateDue(app, actor: actor)  // issue #7: template versions whose date has arrived
        report.actionsOverdue = try await ImprovementActionSweeper.runOnce(app, ctx: ctx, lockKey: key)  // issue #7
        try await JobService.sweep(app)  // issue #8: abandoned jobs fail, results older than a week are removed
        let sent = try await DeliveryWorker.runOnce(app)
        report.deliveriesSent = sent.sent
        report.deliveriesFailed = sent.failed
        return report
    }
}

/// Runs the sweeper every minute inside `lvyue serve` (never in tests, which call `Sweeper.runOnce` themselves).
final class SweeperLifecycle: LifecycleHandler, @unchecked Sendable {
    // Only touched from didBootAsync/shutdownAsync, which Vapor calls one after the other.
    private var task: Task<Void, Never>?
    let interval: Duration

    init(interval: Duration = .seconds(60)) { self.interval = interval }

    func didBootAsync(_ app: Application) async throws {
        let interval = interval
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                await DenialLimiter.flush(app)  // issue #5: the counts of repeated denials, once their minute is over
                do {
                    let r = try await Sweeper.runOnce(app)
                    let activity = [r.alertsFired, r.alertsResolved, r.escalationsOverdue, r.deliveriesSent, r.deliveriesFailed,
                                    r.serviceAlertsFired, r.inspectionsOpened].reduce(0, +)
                    if activity > 0 {
                        app.logger.info("sweep", metadata: ["component": "sweeper", "fired": "\(r.alertsFired)", "resolved": "\(r.alertsResolved)",
                                                            "overdue": "\(r.escalationsOverdue)", "sent": "\(r.deliveriesSent)"])
                    }
                } catch {
                    app.logger.error("sweep failed", metadata: ["component": "sweeper", "error": "\(String(reflecting: error))"])
                }
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        task?.cancel()
        task = nil
    }
}

/// `lvyue sweep` — one pass of the sweeper; exit 0.
struct SweepCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Evaluate risk triggers, level up overdue escalations and send queued notifications, once." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await Lvyue.prepare(context.application, demo: false, quiet: true)
        let r = try await Sweeper.runOnce(context.application)
        context.console.print(r.skipped ? "sweep skipped: another instance holds the sweeper lock"
            : "sweep: \(r.contracts) contract(s), \(r.alertsFired) alert(s) fired, \(r.alertsResolved) resolved, "
              + "\(r.escalationsOverdue) escalation(s) overdue, \(r.serviceAlertsFired) service clock alert(s), "
              + "\(r.inspectionsOpened) inspection(s) opened, \(r.deliveriesSent) delivered, \(r.deliveriesFailed) failed")
    }
}
