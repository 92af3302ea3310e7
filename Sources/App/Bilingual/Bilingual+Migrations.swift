import Fluent

/// Text the system writes (alert titles and reasons, inbox messages, escalation and service request history notes)
/// gains a locale key and parameters next to the stored text, so pages show it in the reader's language. Nullable:
/// older rows keep only their text and show it as it is.
struct AddMessageKeys: AsyncMigration {
    static let tables = ["alerts", "notifications", "escalation_events", "service_request_events"]

    func prepare(on database: any Database) async throws {
        for table in Self.tables {
            // one column per statement: SQLite adds a single column per ALTER TABLE
            try await database.schema(table).field("message_key", .string).update()
            try await database.schema(table).field("message_params", .string).update()
        }
    }

    func revert(on database: any Database) async throws {
        for table in Self.tables {
            try await database.schema(table).deleteField("message_params").update()
            try await database.schema(table).deleteField("message_key").update()
        }
    }
}

/// A risk's last trigger reason gains its locale key and parameters, so the dashboard and the contract's risk pages
/// read it in the viewer's language. Nullable: risks evaluated before keep their English reason as it is.
struct AddRiskMessageKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // one column per statement: SQLite adds a single column per ALTER TABLE
        try await database.schema(Risk.schema).field("message_key", .string).update()
        try await database.schema(Risk.schema).field("message_params", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Risk.schema).deleteField("message_params").update()
        try await database.schema(Risk.schema).deleteField("message_key").update()
    }
}
