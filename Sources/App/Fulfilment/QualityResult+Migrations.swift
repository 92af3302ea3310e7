import Fluent
import SQLKit

struct CreateQualityResults: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(QualityResult.schema)
            .id()
            .field("milestone_id", .uuid, .required, .references(Milestone.schema, "id", onDelete: .cascade))
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("result", .string, .required)
            .field("inspector", .string, .required)
            .field("notes", .string)
            .field("inspected_at", .datetime, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await database.sql.raw("CREATE INDEX quality_results_by_milestone ON quality_results (milestone_id, inspected_at)").run()
        try await database.sql.raw("CREATE INDEX quality_results_by_contract ON quality_results (contract_id, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(QualityResult.schema).delete()
    }
}
