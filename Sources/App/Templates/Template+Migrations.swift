import Fluent
import Foundation
import SQLKit

/// The template library's tables (issue #7), and the columns recording which version a contract, a service plan and
/// a service request were made under (nullable: records from before the library have none).
struct CreateTemplateLibrary: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LibraryTemplate.schema)
            .id()
            .field("kind", .string, .required)
            .field("scope", .string, .required)
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "kind", "scope", name: "templates_kind_scope")
            .create()
        try await database.schema(TemplateVersion.schema)
            .id()
            .field("template_id", .uuid, .required, .references(LibraryTemplate.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("number", .int, .required)
            .field("state", .string, .required)
            .field("effective_on", .string)
            .field("author", .string, .required)
            .field("change_note", .string, .required)
            .field("rows", .string, .required)
            .field("created_at", .datetime, .required)
            .field("approved_by", .string)
            .field("approved_at", .datetime)
            .field("version", .int, .required)
            .unique(on: "template_id", "number", name: "template_versions_number")
            .create()
        for column in TemplateKind.allCases.compactMap(\.contractColumn) {
            try await database.schema(Contract.schema).field(.definition(name: .key(.string(column)), dataType: .uuid, constraints: [])).update()
        }
        try await database.schema(ServicePlan.schema).field("sla_template_version_id", .uuid).update()
        try await database.schema(ServiceRequest.schema).field("instruction_template_version_id", .uuid).update()
        try await database.schema(ServiceRequest.schema).field("survey_template_version_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ServiceRequest.schema).deleteField("survey_template_version_id").update()
        try await database.schema(ServiceRequest.schema).deleteField("instruction_template_version_id").update()
        try await database.schema(ServicePlan.schema).deleteField("sla_template_version_id").update()
        for column in TemplateKind.allCases.compactMap(\.contractColumn) {
            try await database.schema(Contract.schema).deleteField(.key(.string(column))).update()
        }
        try await database.schema(TemplateVersion.schema).delete()
        try await database.schema(LibraryTemplate.schema).delete()
    }
}

/// Version 1 of every template: the content lvyue applied before the library existed (the current work instruction
/// revisions included), in force from the start.
struct SeedTemplateLibrary: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let now = Date()
        try await database.transaction { db in
            if try await LibraryTemplate.query(on: db).count() > 0 { return }
            var current: [RequestType: (title: String, items: [InstructionItem], toolkit: [ToolkitItem])] = [:]
            for w in try await WorkInstruction.query(on: db).filter(\.$current == true).all() { current[w.requestType] = (w.title, w.items, w.toolkit) }
            for seed in TemplateDefaults.all(workInstructions: current) {
                let (t, v) = try await TemplateLibrary.insert(seed, author: "system", changeNote: "内置标准内容（初始版本）", on: db, now: now,
                                                              newID: { UUIDv7.make(at: now) })
                try await AuditLog.append(on: db, at: now, actor: .system, action: "create", entityType: TemplateVersion.entityType,
                                          entityID: v.id!.uuidString, after: v.response(ResponseContext(now: now)))
                _ = t
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await TemplateVersion.query(on: database).delete()
        try await LibraryTemplate.query(on: database).delete()
    }
}
