import Fluent
import Foundation
import LvyueCore
import SQLKit

/// Keeps `service_clock_outcomes` in step with a request's evaluated clocks (issue #7): one row per clock, replaced
/// whenever the request's clocks are re-evaluated, inside the same transaction.
enum ClockOutcomes {
    private static let insertTexts = (1...8).map(makeInsertText)

    private static func insertText(_ rows: Int) -> SQLText { rows <= insertTexts.count ? insertTexts[rows - 1] : makeInsertText(rows) }

    private static func makeInsertText(_ rows: Int) -> SQLText {
        SQLText("INSERT INTO service_clock_outcomes (id, request_id, received_at, clock, state, due_at, stopped_at) VALUES "
                + Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", "))
    }

    /// `fresh`: the request was created in this transaction and has no outcomes to replace yet.
    static func record(_ r: ServiceRequest, _ statuses: [ClockStatus], on db: any Database, newID: () -> UUID, fresh: Bool = false) async throws {
        guard let id = r.id else { return }
        if !fresh { try await db.sql.delete(from: ClockOutcome.schema).where("request_id", .equal, id).run() }
        guard !statuses.isEmpty else { return }
        // One multi-row INSERT: this runs on every change of a request, inside the write lock.
        var binds: [any Encodable & Sendable] = []
        binds.reserveCapacity(statuses.count * 7)
        for s in statuses { binds += [newID(), id, r.receivedAt, s.name, s.state.rawValue, s.dueAt, s.stoppedAt] }
        try await db.sql.run(insertText(statuses.count)(binds))
    }
}
