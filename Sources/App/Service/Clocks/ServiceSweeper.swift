import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// The service part of the sweeper (issue #6): requests, inspections and objections whose next check time has come
/// are re-evaluated (warnings at 75 %, breaches — one alert per firing), and inspections due today become requests.
/// Only rows whose indexed `next_check_at` has passed are read, so the steady state costs three index probes.
enum ServiceSweeper {
    struct Report: Sendable {
        var alertsFired = 0
        var inspectionsOpened = 0
        var skipped = false
    }

    static func runOnce(_ app: Application, ctx: MonitorContext, lockKey: Int64) async throws -> Report {
        let now = ctx.now
        let today = ctx.today.description
        let requests = try await ServiceRequest.query(on: app.db).filter(\.$nextCheckAt <= now).count()
        let inspections = try await Inspection.query(on: app.db).filter(\.$nextCheckAt <= now).count()
            + Inspection.query(on: app.db).filter(\.$status ~~ [.planned, .confirmed]).filter(\.$plannedOn <= today).filter(\.$requestID == nil).count()
        let objections = try await Objection.query(on: app.db).filter(\.$nextCheckAt <= now).count()
        guard requests + inspections + objections > 0 else { return Report() }
        let clocks = app.serviceClocks
        return try await Store.write(app) { db in
            if !db.isSQLite {
                let row = try await db.sql.raw("SELECT pg_try_advisory_xact_lock(\(bind: lockKey)) AS locked").first()
                if try row?.decode(column: "locked", as: Bool.self) != true { return Report(skipped: true) }
            }
            var report = Report()
            for r in try await ServiceRequest.query(on: db).filter(\.$nextCheckAt <= now).sort(\.$nextCheckAt).limit(1000).all() {
                report.alertsFired += try await guarded { try await ServiceRequestService.refresh(r, on: db, ctx: ctx, clocks: clocks) }
            }
            for i in try await Inspection.query(on: db).filter(\.$nextCheckAt <= now).limit(1000).all() {
                let plan = try await ServicePlan.find(i.planID, on: db)
                report.alertsFired += try await guarded {
                    try await InspectionService.refresh(i, policy: plan?.clockPolicy ?? ClockPolicy(), on: db, ctx: ctx, clocks: clocks)
                }
            }
            for o in try await Objection.query(on: db).filter(\.$nextCheckAt <= now).limit(1000).all() {
                guard let r = try await ServiceRequest.find(o.requestID, on: db) else { continue }
                report.alertsFired += try await guarded { try await SatisfactionService.refreshObjection(o, request: r, on: db, ctx: ctx, clocks: clocks) }
            }
            report.inspectionsOpened = try await InspectionService.openDue(on: db, ctx: ctx, clocks: clocks)
            return report
        }
    }

    /// A clock that cannot be computed (its calendar lacks the year's data) must not stop the sweep for everyone else.
    private static func guarded(_ body: () async throws -> Int) async throws -> Int {
        do { return try await body() } catch let e as AppError where e.code == "calendar_data_missing" { return 0 }
    }
}
