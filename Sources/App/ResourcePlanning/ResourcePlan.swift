import Fluent
import Foundation
import LvyueCore
import SQLKit

/// The three kinds of line in a milestone's resource plan (资源协调: 人员、物资、资金).
enum ResourceKind: String, Codable, CaseIterable, Sendable {
    case person, material, fund
}

/// One line of a milestone's resource plan (issue #10). Person lines carry department, role and person-days over a
/// date range; material lines item, quantity, supplier and need-by/expected/actual arrival; fund lines amount,
/// need-by, source and approval. One table, so load, late materials and pending funds are plain SQL over it.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class ResourceLine: Model, @unchecked Sendable {
    static let schema = "resource_lines"

    @ID(key: .id) var id: UUID?
    @Field(key: "contract_id") var contractID: UUID
    @Field(key: "milestone_id") var milestoneID: UUID
    @Field(key: "kind") var kind: ResourceKind
    // person
    @OptionalField(key: "department_id") var departmentID: UUID?
    @OptionalField(key: "role") var role: String?
    @OptionalField(key: "person_days") var personDays: Double?
    @OptionalField(key: "starts_on") var startsOn: String?
    @OptionalField(key: "ends_on") var endsOn: String?
    @OptionalField(key: "persons") var persons: String?
    // material
    @OptionalField(key: "item") var item: String?
    @OptionalField(key: "quantity") var quantity: Double?
    @OptionalField(key: "unit") var unit: String?
    @OptionalField(key: "supplier") var supplier: String?
    @OptionalField(key: "expected_on") var expectedOn: String?
    @OptionalField(key: "arrived_on") var arrivedOn: String?
    // material and fund
    @OptionalField(key: "need_by") var needBy: String?
    // fund
    @OptionalField(key: "amount_minor") var amountMinor: Int64?
    @OptionalField(key: "currency") var currency: String?
    @OptionalField(key: "source") var source: String?
    @Field(key: "approved") var approved: Bool
    @OptionalField(key: "approved_by") var approvedBy: String?
    @OptionalField(key: "approved_at") var approvedAt: Date?
    @OptionalField(key: "note") var note: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// How many people a department has and which working calendar it keeps (default cn-workday).
final class DepartmentCapacity: Model, @unchecked Sendable {
    static let schema = "department_capacities"

    @ID(key: .id) var id: UUID?
    @Field(key: "department_id") var departmentID: UUID
    @Field(key: "headcount") var headcount: Int
    @Field(key: "calendar_id") var calendarID: String
    @Field(key: "version") var version: Int

    init() {}
}

/// Leave entered against a department's capacity: `people` persons away on the working days of the range.
final class ResourceAbsence: Model, @unchecked Sendable {
    static let schema = "resource_absences"

    @ID(key: .id) var id: UUID?
    @Field(key: "department_id") var departmentID: UUID
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "person") var person: String
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @Field(key: "people") var people: Double
    @OptionalField(key: "note") var note: String?
    @Field(key: "version") var version: Int

    init() {}
}

/// A cross-department risk review meeting (风险评审会) that fills a contract's risk table.
final class RiskReview: Model, @unchecked Sendable {
    static let schema = "risk_reviews"

    @ID(key: .id) var id: UUID?
    @Field(key: "contract_id") var contractID: UUID
    @Field(key: "held_at") var heldAt: Date
    @Field(key: "departments") var departmentsJSON: String
    @Field(key: "attendees") var attendees: String
    @Field(key: "risk_ids") var riskIDsJSON: String
    @OptionalField(key: "risk_changes") var riskChanges: String?
    @Field(key: "decisions") var decisions: String
    @Field(key: "recorded_by") var recordedBy: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var departments: [UUID] { (try? JSONDecoder().decode([UUID].self, from: Data(departmentsJSON.utf8))) ?? [] }
    var riskIDs: [UUID] { (try? JSONDecoder().decode([UUID].self, from: Data(riskIDsJSON.utf8))) ?? [] }
}

struct CreateResourcePlanning: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ResourceLine.schema)
            .id()
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id", onDelete: .cascade))
            .field("milestone_id", .uuid, .required, .references(Milestone.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("department_id", .uuid, .references(Department.schema, "id", onDelete: .setNull))
            .field("role", .string)
            .field("person_days", .double)
            .field("starts_on", .string)
            .field("ends_on", .string)
            .field("persons", .string)
            .field("item", .string)
            .field("quantity", .double)
            .field("unit", .string)
            .field("supplier", .string)
            .field("expected_on", .string)
            .field("arrived_on", .string)
            .field("need_by", .string)
            .field("amount_minor", .int64)
            .field("currency", .string)
            .field("source", .string)
            .field("approved", .bool, .required)
            .field("approved_by", .string)
            .field("approved_at", .datetime)
            .field("note", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        // Load per department and week reads person lines by department and date range; triggers read by contract.
        try await database.sql.raw("CREATE INDEX resource_lines_by_department ON resource_lines (department_id, ends_on, starts_on)").run()
        try await database.sql.raw("CREATE INDEX resource_lines_by_contract ON resource_lines (contract_id, kind)").run()
        try await database.sql.raw("CREATE INDEX resource_lines_by_milestone ON resource_lines (milestone_id, id)").run()

        try await database.schema(DepartmentCapacity.schema)
            .id()
            .field("department_id", .uuid, .required, .references(Department.schema, "id", onDelete: .cascade))
            .field("headcount", .int, .required)
            .field("calendar_id", .string, .required)
            .field("version", .int, .required)
            .unique(on: "department_id")
            .create()

        try await database.schema(ResourceAbsence.schema)
            .id()
            .field("department_id", .uuid, .required, .references(Department.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("person", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("people", .double, .required)
            .field("note", .string)
            .field("version", .int, .required)
            .create()
        try await database.sql.raw("CREATE INDEX resource_absences_by_department ON resource_absences (department_id, ends_on)").run()

        try await database.schema(RiskReview.schema)
            .id()
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id", onDelete: .cascade))
            .field("held_at", .datetime, .required)
            .field("departments", .string, .required)
            .field("attendees", .string, .required)
            .field("risk_ids", .string, .required)
            .field("risk_changes", .string)
            .field("decisions", .string, .required)
            .field("recorded_by", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await database.sql.raw("CREATE INDEX risk_reviews_by_contract ON risk_reviews (contract_id, held_at)").run()

        try await database.schema(FeedToken.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("scope", .string, .required)
            .field("user_id", .uuid, .references(User.schema, "id", onDelete: .cascade))
            .field("department_id", .uuid, .references(Department.schema, "id", onDelete: .cascade))
            .field("label", .string)
            .field("created_by_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("version", .int, .required)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [FeedToken.schema, RiskReview.schema, ResourceAbsence.schema, DepartmentCapacity.schema, ResourceLine.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// Indexes chosen from the plans of the load view, the triggers and the resource status panel at scale L: person lines
/// by department and date range, covering the load query (so it never reads the table), materials not yet arrived and
/// funds not yet approved.
struct AddResourceLoadIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("""
            CREATE INDEX resource_lines_person_load ON resource_lines (department_id, ends_on, starts_on, contract_id, milestone_id, person_days)
            WHERE kind = 'person'
            """).run()
        try await database.sql.raw("""
            CREATE INDEX resource_lines_open_materials ON resource_lines (contract_id, need_by, expected_on)
            WHERE kind = 'material' AND arrived_on IS NULL
            """).run()
        try await database.sql.raw("""
            CREATE INDEX resource_lines_unapproved_funds ON resource_lines (contract_id, amount_minor) WHERE kind = 'fund' AND approved = FALSE
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX resource_lines_unapproved_funds").run()
        try await database.sql.raw("DROP INDEX resource_lines_open_materials").run()
        try await database.sql.raw("DROP INDEX resource_lines_person_load").run()
    }
}
