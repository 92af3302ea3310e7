import Fluent
import Foundation
import LvyueCore
import SQLKit

/// Keeps `service_clock_outcomes` in step with a request's evaluated clocks (issue #7): one row per clock, replaced
/// whenever the request's clocks are re-evaluated, inside the same transaction.
enum ClockOutcomes {
    /// `fresh`: the request was created in this transaction and has no outcomes to replace yet.
    static func record(_ r: ServiceRequest, _ statuses: [ClockStatus], on db: any Database, newID: () -> UUID, fresh: Bool = false) async throws {
        guard let id = r.id else { return }
        if !fresh { try await db.sql.delete(from: ClockOutcome.schema).where("request_id", .equal, id).run() }
        guard !statuses.isEmpty else { return }
        // One multi-row INSERT: this runs on every change of a request, inside the write lock.
        var insert: SQLQueryString = "INSERT INTO service_clock_outcomes (id, request_id, received_at, clock, state, due_at, stopped_at) VALUES "
        for (i, s) in statuses.enumerated() {
            insert = insert + (i == 0 ? "" : ", ")
                + "(\(bind: newID()), \(bind: id), \(bind: r.receivedAt), \(bind: s.name), \(bind: s.state.rawValue), \(bind: s.dueAt), \(bind: s.stoppedAt))"
        }
        try await db.sql.raw(insert).run()
    }
}
