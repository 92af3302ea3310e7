import Fluent
import Foundation
import LvyueCore
import SQLKit

/// Which rows of one of the dashboard's lists to read: the first `limit` after a keyset cursor (the API's pages), or
/// after skipping `offset` rows (the web pager, bounded by `ListSpec.maxPage`).
struct DashboardWindow: Sendable {
    var limit: Int
    var after: DashboardCursor? = nil
    var offset = 0
}

/// Where the next page of a dashboard list starts: the last row's sort key (a date, or a risk's score) and its id,
/// written `key~id`. Opaque to clients; a malformed one is refused with a field reason.
struct DashboardCursor: Sendable, CustomStringConvertible {
    var key: String
    var id: UUID

    init(key: String, id: UUID) {
        self.key = key
        self.id = id
    }

    init?(_ raw: String) {
        guard let tilde = raw.lastIndex(of: "~"), let id = UUID(uuidString: String(raw[raw.index(after: tilde)...])) else { return nil }
        key = String(raw[..<tilde])
        self.id = id
    }

    var description: String { key + "~" + id.uuidString }
}

/// The dashboard's lists that run longer than the dashboard shows (`DashboardService.defaultLimit` rows each): each
/// has a count, which is the dashboard's counter, and pages of its own in the same order as on the dashboard
/// (`GET /api/v1/dashboard/{list}`, and a web page under `/dashboard/`).
enum DashboardList: String, CaseIterable, Sendable {
    case lateMilestones = "late-milestones"
    case upcomingMilestones = "upcoming-milestones"
    case overduePayments = "overdue-payments"
    case firedRisks = "fired-risks"

    /// How far ahead "upcoming" looks.
    static let horizonDays = 14

    /// Rows in the list, and (late milestones only) how many of them have started, which "in progress" leaves out.
    func counts(where f: SQLQueryString, today: LocalDate, on db: any Database) async throws -> (total: Int, started: Int) {
        let t = today.description
        let mon = DashboardService.mon
        let row: (any SQLRow)?
        switch self {
        case .lateMilestones:
            row = try await db.sql.raw("""
                SELECT COUNT(*) AS n, SUM(CASE WHEN m.progress > 0 THEN 1 ELSE 0 END) AS started
                FROM milestones m\(DashboardService.openIndex(db)) CROSS JOIN contracts c
                WHERE m.actual_on IS NULL AND m.planned_on < \(bind: t) AND c.id = m.contract_id AND \(f) AND \(mon)
                """).first()
        case .upcomingMilestones:
            row = try await db.sql.raw("""
                SELECT COUNT(*) AS n FROM milestones m\(DashboardService.openIndex(db)) CROSS JOIN contracts c
                WHERE m.actual_on IS NULL AND m.planned_on >= \(bind: t) AND m.planned_on <= \(bind: Self.horizon(today))
                  AND c.id = m.contract_id AND \(f) AND \(mon)
                """).first()
        case .overduePayments:
            row = try await db.sql.raw("""
                SELECT COUNT(*) AS n FROM payment_nodes p CROSS JOIN contracts c
                WHERE c.id = p.contract_id AND \(f) AND \(mon) AND p.received_minor < p.amount_due_minor AND p.due_on < \(bind: t)
                """).first()
        case .firedRisks:
            row = try await db.sql.raw("""
                SELECT COUNT(*) AS n FROM risks r JOIN contracts c ON c.id = r.contract_id WHERE \(f) AND r.fired = \(bind: true)
                """).first()
        }
        let started = self == .lateMilestones ? try row?.decode(column: "started", as: Int?.self) ?? 0 : 0
        return (try row?.decode(column: "n", as: Int?.self) ?? 0, started)
    }

    static func horizon(_ today: LocalDate) -> String { today.adding(days: horizonDays).description }

    /// Whether a cursor could have come from this list: its key is a date, or a score for the risks.
    func accepts(_ cursor: DashboardCursor) -> Bool {
        self == .firedRisks ? Int(cursor.key) != nil : LocalDate(iso: cursor.key) != nil
    }
}

extension DashboardService {
    /// `AND` the rows after the cursor in the order `key, id` (`key DESC, id` when descending), or nothing.
    private static func after(_ cursor: DashboardCursor?, key: SQLQueryString, id: SQLQueryString, value: some Encodable & Sendable,
                              descending: Bool = false) -> SQLQueryString {
        guard let cursor else { return "" }
        let beyond: SQLQueryString = descending ? "<" : ">"
        return " AND (\(key) \(beyond) \(bind: value) OR (\(key) = \(bind: value) AND \(id) > \(bind: cursor.id)))"
    }

    private static func window(_ w: DashboardWindow) -> SQLQueryString { "LIMIT \(bind: w.limit) OFFSET \(bind: w.offset)" }

    /// Open milestones of monitored contracts planned before today, the longest late first.
    static func lateMilestones(where f: SQLQueryString, today: LocalDate, _ w: DashboardWindow,
                               on db: any Database) async throws -> [DashboardResponse.LateMilestone] {
        let rows = try await db.sql.raw("""
            SELECT m.id, m.contract_id, c.number, m.name, m.planned_on, m.delay_cause, m.delay_reason
            FROM milestones m CROSS JOIN contracts c
            WHERE c.id = m.contract_id AND \(f) AND \(mon) AND m.actual_on IS NULL AND m.planned_on < \(bind: today.description)
              \(after(w.after, key: "m.planned_on", id: "m.id", value: w.after?.key ?? ""))
            ORDER BY m.planned_on, m.id \(window(w))
            """).all()
        return try rows.map { row in
            let planned = try row.decode(column: "planned_on", as: String.self)
            return .init(milestoneId: try row.decode(column: "id", as: UUID.self), contractId: try row.decode(column: "contract_id", as: UUID.self),
                         contractNumber: try row.decode(column: "number", as: String.self), name: try row.decode(column: "name", as: String.self),
                         plannedOn: planned, delayDays: LocalDate(iso: planned).map { max(0, $0.days(to: today)) } ?? 0,
                         delayCause: try row.decode(column: "delay_cause", as: String?.self),
                         delayReason: try row.decode(column: "delay_reason", as: String?.self))
        }
    }

    /// Open milestones of monitored contracts planned from today to the horizon, the soonest first.
    static func upcomingMilestones(where f: SQLQueryString, today: LocalDate, _ w: DashboardWindow,
                                   on db: any Database) async throws -> [DashboardResponse.UpcomingMilestone] {
        let rows = try await db.sql.raw("""
            SELECT m.id, m.contract_id, c.number, m.name, m.planned_on, m.progress
            FROM milestones m CROSS JOIN contracts c
            WHERE c.id = m.contract_id AND \(f) AND \(mon) AND m.actual_on IS NULL AND m.planned_on >= \(bind: today.description)
              AND m.planned_on <= \(bind: DashboardList.horizon(today))
              \(after(w.after, key: "m.planned_on", id: "m.id", value: w.after?.key ?? ""))
            ORDER BY m.planned_on, m.id \(window(w))
            """).all()
        return try rows.map { row in
            let planned = try row.decode(column: "planned_on", as: String.self)
            return .init(milestoneId: try row.decode(column: "id", as: UUID.self), contractId: try row.decode(column: "contract_id", as: UUID.self),
                         contractNumber: try row.decode(column: "number", as: String.self), name: try row.decode(column: "name", as: String.self),
                         plannedOn: planned, daysLeft: LocalDate(iso: planned).map { today.days(to: $0) } ?? 0,
                         progress: try row.decode(column: "progress", as: Int.self))
        }
    }

    /// Payment nodes of monitored contracts due before today and not fully received, the longest overdue first.
    static func overduePayments(where f: SQLQueryString, today: LocalDate, _ w: DashboardWindow,
                                on db: any Database) async throws -> [DashboardResponse.OverduePayment] {
        let rows = try await db.sql.raw("""
            SELECT p.id, p.contract_id, c.number, p.name, p.due_on, p.amount_due_minor, p.received_minor
            FROM payment_nodes p CROSS JOIN contracts c
            WHERE c.id = p.contract_id AND \(f) AND \(mon) AND p.received_minor < p.amount_due_minor AND p.due_on < \(bind: today.description)
              \(after(w.after, key: "p.due_on", id: "p.id", value: w.after?.key ?? ""))
            ORDER BY p.due_on, p.id \(window(w))
            """).all()
        return try rows.map { row in
            let due = try row.decode(column: "due_on", as: String.self)
            let outstanding = try row.decode(column: "amount_due_minor", as: Int64.self) - row.decode(column: "received_minor", as: Int64.self)
            return .init(paymentId: try row.decode(column: "id", as: UUID.self), contractId: try row.decode(column: "contract_id", as: UUID.self),
                         contractNumber: try row.decode(column: "number", as: String.self), name: try row.decode(column: "name", as: String.self),
                         dueOn: due, outstanding: Money(minorUnits: outstanding).description,
                         overdueDays: LocalDate(iso: due).map { max(0, $0.days(to: today)) } ?? 0)
        }
    }

    /// Fired risks of the contracts, the highest score (likelihood × impact) first.
    static func firedRisks(where f: SQLQueryString, _ w: DashboardWindow, on db: any Database) async throws -> [DashboardResponse.FiredRisk] {
        let rows = try await db.sql.raw("""
            SELECT r.id, r.contract_id, c.number, r.description, r.likelihood, r.impact, r.status, r.fired_at, r.last_reason, r.message_key, r.message_params
            FROM risks r JOIN contracts c ON c.id = r.contract_id WHERE \(f) AND r.fired = \(bind: true)
              \(after(w.after, key: "r.likelihood * r.impact", id: "r.id", value: w.after.flatMap { Int($0.key) } ?? 0, descending: true))
            ORDER BY r.likelihood * r.impact DESC, r.id \(window(w))
            """).all()
        return try rows.map { row in
            let messageKey = try row.decode(column: "message_key", as: String?.self)
            return .init(riskId: try row.decode(column: "id", as: UUID.self), contractId: try row.decode(column: "contract_id", as: UUID.self),
                         contractNumber: try row.decode(column: "number", as: String.self), description: try row.decode(column: "description", as: String.self),
                         score: try row.decode(column: "likelihood", as: Int.self) * row.decode(column: "impact", as: Int.self),
                         status: try row.decode(column: "status", as: String.self), firedAt: try row.decode(column: "fired_at", as: Date?.self),
                         reason: try row.decode(column: "last_reason", as: String?.self), messageKey: messageKey,
                         messageParams: messageKey == nil ? nil : MessageText.decodeParams(try row.decode(column: "message_params", as: String?.self)))
        }
    }
}
