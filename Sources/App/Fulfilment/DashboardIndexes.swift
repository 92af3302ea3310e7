import Fluent
import SQLKit

/// DESIGN §7 (the portfolio dashboard at scale L): indexes chosen from the dashboard's query plans.
/// - `milestones_by_contract_state`: each contract's milestones with the columns the derived status needs, so the
///   counts by status and each contract's late count read index entries only.
/// - `milestones_open`: milestones not yet done, by planned date (late and upcoming lists; partial, so it holds only
///   the open ones).
/// - `payment_nodes_open`: payment nodes not fully received, by due date (overdue payments).
struct AddDashboardIndexes: AsyncMigration {
    static let statements = [
        "CREATE INDEX IF NOT EXISTS milestones_by_contract_state ON milestones (contract_id, actual_on, planned_on, progress)",
        "CREATE INDEX IF NOT EXISTS milestones_open ON milestones (planned_on, contract_id, progress, actual_on) WHERE actual_on IS NULL",
        "CREATE INDEX IF NOT EXISTS payment_nodes_open ON payment_nodes (due_on, contract_id) WHERE received_minor < amount_due_minor",
    ]

    func prepare(on database: any Database) async throws {
        for statement in Self.statements { try await database.sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        for name in ["milestones_by_contract_state", "milestones_open", "payment_nodes_open"] {
            try await database.sql.raw("DROP INDEX IF EXISTS \(ident: name)").run()
        }
    }
}

/// The dashboard's open-alert count and its latest 20: of ≈ 33 000 alerts at scale L about 2 000 are unresolved, and
/// without this partial index both statements scanned them all (≈ 9 ms each).
struct AddOpenAlertIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw(
            "CREATE INDEX IF NOT EXISTS alerts_unresolved ON alerts (fired_at, id, contract_id, level) WHERE status <> 'resolved'").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX IF EXISTS alerts_unresolved").run()
    }
}

/// The dashboard's fired risks, counted and listed worst first: about 5 000 of the 35 000 risks at scale L are fired,
/// and without an index both statements read every risk (6–8 ms each on a freshly generated L). The index holds them
/// in the list's order (score, then id), so the list reads its first hundred and stops (0.7 ms).
struct AddFiredRiskIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("""
            CREATE INDEX IF NOT EXISTS risks_fired ON risks (fired, (likelihood * impact) DESC, id, contract_id)
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX IF EXISTS risks_fired").run()
    }
}
