import Fluent
import Foundation
import LvyueCore
import Vapor

/// Frozen reports (issue #7): a closed quarter's report is stored as reviewed, so later edits to the records do not
/// change it. Freezing, refreezing and unfreezing are audited writes.
enum ReportSnapshots {
    static let entityType = "report_snapshot"

    static func find(_ quarter: Quarter, _ filters: QuarterlyReport.Filters, on db: any Database) async throws -> ReportSnapshot? {
        try await ReportSnapshot.query(on: db).filter(\.$quarter == quarter.description).filter(\.$filterKey == filters.key).first()
    }

    static func decode(_ s: ReportSnapshot) throws -> QuarterlyReport {
        try JSONCoding.decoder.decode(QuarterlyReport.self, from: Data(s.body.utf8))
    }

    /// Freezes the report of a closed quarter as computed now. A quarter already frozen is refrozen only with
    /// `replace` (409 otherwise), so a reviewed report is never overwritten by accident.
    static func freeze(_ app: Application, actor: Actor, quarter: Quarter, filters: QuarterlyReport.Filters, replace: Bool) async throws -> QuarterlyReport {
        let now = app.deps.now()
        let zone = JSONCoding.displayTimeZone
        guard quarter.end(in: zone) <= now else {
            throw AppError.conflict(code: "quarter_not_closed", message: "\(quarter) has not ended yet; only a closed quarter can be frozen")
        }
        return try await Store.write(app) { db in
            let existing = try await find(quarter, filters, on: db)
            if existing != nil && !replace {
                throw AppError.conflict(code: "already_frozen", message: "\(quarter) is already frozen; refreeze it explicitly to replace the snapshot")
            }
            var report = try await QuarterlyReportService.compute(quarter, filters: filters, on: db, now: now)
            report.frozen = true
            report.snapshot = .init(frozenAt: now, frozenBy: actor.name)
            let body = String(decoding: try JSONCoding.encoder.encode(report), as: UTF8.self)
            let before = existing.map(summary)
            let snap = existing ?? ReportSnapshot()
            if existing == nil {
                snap.id = app.deps.newID()
                snap.quarter = quarter.description
                snap.filterKey = filters.key
                snap.version = 1
            } else {
                snap.version += 1
            }
            snap.body = body
            snap.frozenAt = now
            snap.frozenByID = actor.id
            snap.frozenByName = actor.name
            try await snap.save(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: existing == nil ? "report.freeze" : "report.refreeze",
                                      entityType: entityType, entityID: snap.id!.uuidString, before: before, after: summary(snap))
            return report
        }
    }

    /// Removes the snapshot: the quarter's report is computed live again.
    static func unfreeze(_ app: Application, actor: Actor, quarter: Quarter, filters: QuarterlyReport.Filters) async throws {
        let now = app.deps.now()
        try await Store.write(app) { db in
            guard let snap = try await find(quarter, filters, on: db) else {
                throw AppError.notFound(entity: entityType, id: quarter.description)
            }
            let before = summary(snap)
            try await snap.delete(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "report.unfreeze", entityType: entityType,
                                      entityID: snap.id!.uuidString, before: before)
        }
    }

    struct Summary: Codable, Sendable {
        var quarter: String
        var filters: String
        var frozenAt: Date
        var frozenBy: String
        var version: Int
        /// SHA-256 of the stored JSON, so the audit trail pins what was frozen without copying it.
        var sha256: String
    }

    static func summary(_ s: ReportSnapshot) -> Summary {
        Summary(quarter: s.quarter, filters: s.filterKey, frozenAt: s.frozenAt, frozenBy: s.frozenByName, version: s.version,
                sha256: Hex.sha256(Data(s.body.utf8)))
    }
}
