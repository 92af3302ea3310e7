import Fluent
import SQLKit

/// Issue #7: the exports filter requests by 受理时间 and escalations by 上报时间 over date ranges (a quarter's export
/// must not scan half a million requests); milestones by planned date and contracts by customer already have theirs.
/// The quarterly report reads through the same two indexes. `IF NOT EXISTS`: a database migrated while the report
/// created its own index under the same name keeps that one.
struct AddExportIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("CREATE INDEX IF NOT EXISTS service_requests_by_received ON service_requests (received_at, id)").run()
        try await database.sql.raw("CREATE INDEX IF NOT EXISTS escalations_by_raised ON escalations (raised_at, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX service_requests_by_received").run()
        try await database.sql.raw("DROP INDEX escalations_by_raised").run()
    }
}
