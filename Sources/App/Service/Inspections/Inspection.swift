import Fluent
import Foundation

enum InspectionStatus: String, Codable, CaseIterable, Sendable {
    /// Generated from the plan; the date is not yet confirmed with the customer.
    case planned
    case confirmed
    /// On the day the sweeper opened its service request.
    case opened
    case done
    case cancelled
}

/// A periodic inspection (季度巡检) of a service plan, with the inspection.confirm clock: the date is confirmed with
/// the customer at least 3 working days before the visit.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class Inspection: Model, @unchecked Sendable {
    static let schema = "service_inspections"

    @ID(key: .id) var id: UUID?
    @Field(key: "plan_id") var planID: UUID
    @Field(key: "contract_id") var contractID: UUID
    @Field(key: "sequence") var sequence: Int
    @Field(key: "planned_on") var plannedOn: String
    /// The visit: the planned day at 09:00 (Asia/Shanghai); the anchor of inspection.confirm.
    @Field(key: "visit_at") var visitAt: Date
    /// When the visit was planned: the start of inspection.confirm.
    @Field(key: "planned_at") var plannedAt: Date
    /// nil while the calendar has no data for the visit's year (computed once it is imported; never guessed).
    @OptionalField(key: "confirm_due_at") var confirmDueAt: Date?
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @OptionalField(key: "confirmed_by") var confirmedBy: String?
    @Field(key: "status") var status: InspectionStatus
    @OptionalField(key: "request_id") var requestID: UUID?
    @OptionalField(key: "result") var result: String?
    @OptionalField(key: "result_at") var resultAt: Date?
    @OptionalField(key: "next_check_at") var nextCheckAt: Date?
    @Field(key: "version") var version: Int

    init() {}
}
