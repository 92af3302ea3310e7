import Fluent
import Foundation
import LvyueCore

/// A working calendar as stored: its definition as JSON. The built-ins are stored too (on first start), so that
/// a year imported into `cn-workday` (2027, when the State Council publishes it) persists and is shared by all
/// instances. `7x24` is read-only; `cn-workday` changes only by import.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class StoredCalendar: Model, @unchecked Sendable {
    static let schema = "calendars"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "definition") var definitionJSON: String
    @Field(key: "builtin") var builtin: Bool
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(definition: CalendarDefinition, builtin: Bool) throws {
        self.id = definition.id
        self.name = definition.name
        self.builtin = builtin
        self.version = 1
        try setDefinition(definition)
    }

    /// The calendar types of LvyueCore carry their own snake_case keys, so they use plain coders.
    func definition() throws -> CalendarDefinition {
        try JSONDecoder().decode(CalendarDefinition.self, from: Data(definitionJSON.utf8))
    }

    func setDefinition(_ definition: CalendarDefinition) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        definitionJSON = String(decoding: try encoder.encode(definition), as: UTF8.self)
        name = definition.name
    }
}

struct CreateCalendars: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StoredCalendar.schema)
            .field("id", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("definition", .string, .required)
            .field("builtin", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StoredCalendar.schema).delete()
    }
}
