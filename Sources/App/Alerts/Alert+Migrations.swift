import Fluent
import SQLKit

struct CreateAlerts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Alert.schema)
            .id()
            .field("source", .string, .required)
            .field("source_id", .uuid, .required)
            .field("condition_key", .string, .required)
            .field("firing_seq", .int, .required)
            .field("contract_id", .uuid)
            .field("milestone_id", .uuid)
            .field("level", .string, .required)
            .field("title", .string, .required)
            .field("reason", .string, .required)
            .field("status", .string, .required)
            .field("fired_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by", .string)
            .field("resolved_at", .datetime)
            .field("version", .int, .required)
            .unique(on: "source", "source_id", "condition_key", "firing_seq", name: "alerts_one_per_firing")
            .create()
        try await database.sql.raw("CREATE INDEX alerts_by_status ON alerts (status, id)").run()
        try await database.sql.raw("CREATE INDEX alerts_by_contract ON alerts (contract_id, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Alert.schema).delete()
    }
}
