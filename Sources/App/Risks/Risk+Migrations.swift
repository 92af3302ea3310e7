import Fluent
import SQLKit

struct CreateRisks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Risk.schema)
            .id()
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id", onDelete: .cascade))
            .field("description", .string, .required)
            .field("category", .string, .required)
            .field("likelihood", .int, .required)
            .field("impact", .int, .required)
            .field("mitigation", .string)
            .field("owner_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("status", .string, .required)
            .field("trigger_kind", .string, .required)
            .field("trigger_days", .int)
            .field("trigger_milestone_id", .uuid)
            .field("trigger_percent", .double)
            .field("fired", .bool, .required)
            .field("firing_seq", .int, .required)
            .field("fired_at", .datetime)
            .field("last_reason", .string)
            .field("evaluated_at", .datetime)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.sql.raw("CREATE INDEX risks_by_contract ON risks (contract_id, id)").run()
        try await database.sql.raw("CREATE INDEX risks_by_status ON risks (status, contract_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Risk.schema).delete()
    }
}
