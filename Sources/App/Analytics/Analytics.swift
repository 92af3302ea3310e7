import Fluent
import Foundation
import SQLKit

/// The outcome of one service clock of one request, kept in step with the request by `ServiceRequestService.refresh`
/// (issue #7). The clocks themselves run on working calendars, which SQL cannot evaluate; storing each clock's due
/// time and state lets the quarterly report count compliance per clock with one GROUP BY.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class ClockOutcome: Model, @unchecked Sendable {
    static let schema = "service_clock_outcomes"

    @ID(key: .id) var id: UUID?
    @Field(key: "request_id") var requestID: UUID
    /// When the request was received: the report counts a clock in the request's quarter.
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "clock") var clock: String
    /// met, breached, running, paused, pending (LvyueCore.ClockState).
    @Field(key: "state") var state: String
    @OptionalField(key: "due_at") var dueAt: Date?
    @OptionalField(key: "stopped_at") var stoppedAt: Date?

    init() {}
}

/// A frozen quarterly report (issue #7): the JSON as it was reviewed, with who froze it and when.
final class ReportSnapshot: Model, @unchecked Sendable {
    static let schema = "report_snapshots"

    @ID(key: .id) var id: UUID?
    @Field(key: "quarter") var quarter: String
    /// The filters in a canonical form (`customer=…&department=…&category=…`, empty when unfiltered).
    @Field(key: "filter_key") var filterKey: String
    @Field(key: "body") var body: String
    @Field(key: "frozen_at") var frozenAt: Date
    @OptionalField(key: "frozen_by_id") var frozenByID: UUID?
    @Field(key: "frozen_by_name") var frozenByName: String
    @Field(key: "version") var version: Int

    init() {}
}

enum ActionStatus: String, Codable, CaseIterable, Sendable {
    case planned
    case inProgress = "in_progress"
    case done
    case verifiedIneffective = "verified_ineffective"
    case verifiedEffective = "verified_effective"

    /// Done or verified: no longer owed, so never overdue.
    var isClosed: Bool { self != .planned && self != .inProgress }
}

/// Why a finding happened, for ranking improvement work (the 4M1E reading of quality practice, plus supply and customer).
enum CauseCategory: String, Codable, CaseIterable, Sendable {
    case people, process, material, equipment, method, environment, supplier, customer, management, other
}

/// An improvement action (改进措施) assigned from a finding of the quarterly report (issue #7).
final class ImprovementAction: Model, @unchecked Sendable {
    static let schema = "improvement_actions"

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    // the finding
    /// The quarter whose report raised it (`2026Q3`).
    @Field(key: "quarter") var quarter: String
    /// The report figure it answers (`milestones.delay_rate`), or nil for a free-text finding.
    @OptionalField(key: "figure_key") var figureKey: String?
    @Field(key: "finding") var finding: String
    @Field(key: "cause_category") var causeCategory: CauseCategory
    @Field(key: "measure") var measure: String

    // ownership
    @Field(key: "owner_department_id") var ownerDepartmentID: UUID
    @OptionalField(key: "owner_id") var ownerID: UUID?
    @Field(key: "due_on") var dueOn: String
    @Field(key: "status") var status: ActionStatus
    @OptionalField(key: "done_on") var doneOn: String?
    @OptionalField(key: "effect_review") var effectReview: String?
    @OptionalField(key: "created_by") var createdBy: String?

    init() {}
}

struct CreateAnalytics: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ClockOutcome.schema)
            .id()
            .field("request_id", .uuid, .required, .references(ServiceRequest.schema, "id", onDelete: .cascade))
            .field("received_at", .datetime, .required)
            .field("clock", .string, .required)
            .field("state", .string, .required)
            .field("due_at", .datetime)
            .field("stopped_at", .datetime)
            .unique(on: "request_id", "clock", name: "service_clock_outcomes_one_per_clock")
            .create()
        try await database.schema(ReportSnapshot.schema)
            .id()
            .field("quarter", .string, .required)
            .field("filter_key", .string, .required)
            .field("body", .string, .required)
            .field("frozen_at", .datetime, .required)
            .field("frozen_by_id", .uuid)
            .field("frozen_by_name", .string, .required)
            .field("version", .int, .required)
            .unique(on: "quarter", "filter_key", name: "report_snapshots_one_per_report")
            .create()
        try await database.schema(ImprovementAction.schema)
            .id()
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("quarter", .string, .required)
            .field("figure_key", .string)
            .field("finding", .string, .required)
            .field("cause_category", .string, .required)
            .field("measure", .string, .required)
            .field("owner_department_id", .uuid, .required, .references(Department.schema, "id"))
            .field("owner_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("due_on", .string, .required)
            .field("status", .string, .required)
            .field("done_on", .string)
            .field("effect_review", .string)
            .field("created_by", .string)
            .create()
        // The report's range scans: each table read by the report is reached through the date it is counted by.
        // Requests by received_at and escalations by raised_at use the (date, id) indexes of `AddExportIndexes`.
        for sql in [
            "CREATE INDEX service_clock_outcomes_by_received ON service_clock_outcomes (received_at, clock, state)",
            "CREATE INDEX service_ratings_by_rated ON service_ratings (rated_at)",
            "CREATE INDEX service_objections_by_raised ON service_objections (raised_at)",
            "CREATE INDEX payment_nodes_by_due ON payment_nodes (due_on)",
            "CREATE INDEX improvement_actions_by_due ON improvement_actions (status, due_on)",
            "CREATE INDEX improvement_actions_by_quarter ON improvement_actions (quarter, id)",
        ] {
            try await database.sql.raw(SQLQueryString(sql)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for s in [ImprovementAction.schema, ReportSnapshot.schema, ClockOutcome.schema] { try await database.schema(s).delete() }
    }
}
