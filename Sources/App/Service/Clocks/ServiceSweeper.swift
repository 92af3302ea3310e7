import Fluent
import Foundation
import LvyueCore
import SQLKit
import Vapor

/// The service part of the sweeper (issue #6): requests, inspections and objections whose next check time has come
/// are re-evaluated (warnings at 75 %, breaches — one alert per firing), and inspections due today become requests.
/// Only rows whose indexed `next_check_at` has passed are read, so the steady state costs three index probes.
///
/// The rows due are listed first, outside any transaction, and re-evaluated `Sweeper.rowsPerWrite` to a write, each write
/// checking again that its rows are still due. Writes on SQLite take turns (`WriteQueue`), so a pass that catches up on
/// thousands of clocks goes in short transactions between the users' writes rather than one that holds them all for
/// seconds; on PostgreSQL each write takes the sweeper's advisory lock, and an instance that finds it held leaves the
/// pass to the holder.
enum ServiceSweeper {
    struct Report: Sendable {
        var alertsFired = 0
        var inspectionsOpened = 0
        var skipped = false
    }

    /// Rows of each kind one pass takes at most (the oldest due first); the rest wait for the next pass.
    static let rowsPerPass = 1000

    static func runOnce(_ app: Application, ctx: MonitorContext, lockKey: Int64) async throws -> Report {
        let now = ctx.now
        let clocks = app.serviceClocks
        let requests = try await ServiceRequest.query(on: app.db).filter(\.$nextCheckAt <= now).sort(\.$nextCheckAt)
            .limit(rowsPerPass).all(\.$id)
        let inspections = try await Inspection.query(on: app.db).filter(\.$nextCheckAt <= now).sort(\.$nextCheckAt)
            .limit(rowsPerPass).all(\.$id)
        let opening = try await InspectionService.dueToOpen(on: app.db, today: ctx.today).sort(\.$plannedOn).limit(rowsPerPass).all(\.$id)
        let objections = try await Objection.query(on: app.db).filter(\.$nextCheckAt <= now).sort(\.$nextCheckAt)
            .limit(rowsPerPass).all(\.$id)
        var report = Report()
        func inTurns(_ ids: [UUID], _ body: @escaping @Sendable ([UUID], any Database) async throws -> Int) async throws -> Int {
            guard !report.skipped else { return 0 }
            let done = try await Sweeper.inTurns(app, lockKey: lockKey, ids, body)
            report.skipped = done.skipped
            return done.answers.reduce(0, +)
        }
        report.alertsFired += try await inTurns(requests) { ids, db in
            var fired = 0
            for r in try await ServiceRequest.query(on: db).filter(\.$id ~~ ids).filter(\.$nextCheckAt <= now).all() {
                fired += try await guarded { try await ServiceRequestService.refresh(r, on: db, ctx: ctx, clocks: clocks) }
            }
            return fired
        }
        report.alertsFired += try await inTurns(inspections) { ids, db in
            var fired = 0
            for i in try await Inspection.query(on: db).filter(\.$id ~~ ids).filter(\.$nextCheckAt <= now).all() {
                let plan = try await ServicePlan.find(i.planID, on: db)
                fired += try await guarded {
                    try await InspectionService.refresh(i, policy: plan?.clockPolicy ?? ClockPolicy(), on: db, ctx: ctx, clocks: clocks)
                }
            }
            return fired
        }
        report.alertsFired += try await inTurns(objections) { ids, db in
            var fired = 0
            for o in try await Objection.query(on: db).filter(\.$id ~~ ids).filter(\.$nextCheckAt <= now).all() {
                guard let r = try await ServiceRequest.find(o.requestID, on: db) else { continue }
                fired += try await guarded { try await SatisfactionService.refreshObjection(o, request: r, on: db, ctx: ctx, clocks: clocks) }
            }
            return fired
        }
        report.inspectionsOpened = try await inTurns(opening) { ids, db in
            try await InspectionService.openDue(ids, on: db, ctx: ctx, clocks: clocks)
        }
        return report
    }

    /// A clock that cannot be computed (its calendar lacks the year's data) must not stop the sweep for everyone else.
    private static func guarded(_ body: () async throws -> Int) async throws -> Int {
        do { return try await body() } catch let e as AppError where e.code == "calendar_data_missing" { return 0 }
    }
}
