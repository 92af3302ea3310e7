import Fluent
import Foundation
import LvyueCore

enum ContractCategory: String, Codable, CaseIterable, Sendable {
    case manufacturing, service, construction, other
}

enum ClauseCategory: String, Codable, CaseIterable, Sendable {
    case delivery, quality, acceptance, payment, liability, other
}

enum ResponsibilityStatus: String, Codable, CaseIterable, Sendable {
    case pending
    case inProgress = "in_progress"
    case done
}

/// Delay cause categories of 模板2, so causes can be ranked ("raw material supply 30 % of delays").
enum DelayCause: String, Codable, CaseIterable, Sendable {
    case rawMaterial = "raw_material"
    case supplier
    case production
    case designChange = "design_change"
    case customer
    case quality
    case logistics
    case weather
    case policy
    case resource
    case other
}


// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class Contract: Model, @unchecked Sendable {
    static let schema = "contracts"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "title") var title: String
    @Parent(key: "customer_id") var customer: Customer
    @Field(key: "category") var category: ContractCategory
    @Field(key: "amount_minor") var amountMinor: Int64
    @Field(key: "currency") var currency: String
    @OptionalField(key: "signed_on") var signedOn: String?
    @OptionalField(key: "starts_on") var startsOn: String?
    @OptionalField(key: "ends_on") var endsOn: String?
    @Field(key: "status") var status: ContractStatus
    @OptionalParent(key: "owner_id") var owner: User?
    @OptionalParent(key: "department_id") var department: Department?
    @Field(key: "update_cadence_days") var updateCadenceDays: Int
    @OptionalField(key: "description") var summary: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

final class Clause: Model, @unchecked Sendable {
    static let schema = "clauses"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contract_id") var contract: Contract
    @OptionalField(key: "reference") var reference: String?
    @Field(key: "category") var category: ClauseCategory
    @Field(key: "text") var text: String
    @OptionalField(key: "due_on") var dueOn: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// A row of the Responsibility Assignment Table (模板1): clause → department → person → duty.
final class Responsibility: Model, @unchecked Sendable {
    static let schema = "responsibilities"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contract_id") var contract: Contract
    @OptionalParent(key: "clause_id") var clause: Clause?
    @Parent(key: "department_id") var department: Department
    @OptionalParent(key: "owner_id") var owner: User?
    @Field(key: "duty") var duty: String
    @OptionalField(key: "due_on") var dueOn: String?
    /// Collaborating department ids, as a JSON array (a small list read with its row, never queried into).
    @Field(key: "collaborators") var collaboratorsJSON: String
    @Field(key: "status") var status: ResponsibilityStatus
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var collaborators: [UUID] {
        get { (try? JSONDecoder().decode([UUID].self, from: Data(collaboratorsJSON.utf8))) ?? [] }
        set { collaboratorsJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }
}

/// A fulfilment milestone, one row of the Key Milestone Tracking Table (模板2).
final class Milestone: Model, @unchecked Sendable {
    static let schema = "milestones"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contract_id") var contract: Contract
    @Field(key: "sequence") var sequence: Int
    @Field(key: "name") var name: String
    @Field(key: "weight") var weight: Double
    @Field(key: "planned_on") var plannedOn: String
    @OptionalField(key: "actual_on") var actualOn: String?
    @Field(key: "progress") var progress: Int
    @OptionalField(key: "delay_cause") var delayCause: DelayCause?
    @OptionalField(key: "delay_reason") var delayReason: String?
    @OptionalField(key: "next_step") var nextStep: String?
    @OptionalParent(key: "department_id") var department: Department?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var planned: LocalDate { LocalDate(iso: plannedOn)! }
    var actual: LocalDate? { actualOn.flatMap(LocalDate.init(iso:)) }

    func status(today: LocalDate) -> MilestoneStatus {
        Fulfilment.status(planned: planned, actual: actual, progress: progress, today: today)
    }

    func delayDays(today: LocalDate) -> Int {
        Fulfilment.delayDays(planned: planned, actual: actual, today: today)
    }
}

/// One progress report on a milestone: the history behind its current state.
final class MilestoneUpdate: Model, @unchecked Sendable {
    static let schema = "milestone_updates"

    @ID(key: .id) var id: UUID?
    @Parent(key: "milestone_id") var milestone: Milestone
    @Field(key: "progress") var progress: Int
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "actual_on") var actualOn: String?
    @OptionalField(key: "delay_cause") var delayCause: DelayCause?
    @OptionalField(key: "delay_reason") var delayReason: String?
    @OptionalField(key: "next_step") var nextStep: String?
    @OptionalField(key: "author_id") var authorID: UUID?
    @Field(key: "author_name") var authorName: String
    @Field(key: "recorded_at") var recordedAt: Date

    init() {}
}

/// A payment node: what the customer owes by when, and what has come in.
final class PaymentNode: Model, @unchecked Sendable {
    static let schema = "payment_nodes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contract_id") var contract: Contract
    @OptionalParent(key: "milestone_id") var milestone: Milestone?
    @Field(key: "name") var name: String
    @Field(key: "amount_due_minor") var amountDueMinor: Int64
    @Field(key: "due_on") var dueOn: String
    @Field(key: "received_minor") var receivedMinor: Int64
    @OptionalField(key: "received_on") var receivedOn: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    enum State: String, Codable, Sendable { case pending, partial, paid, overdue }

    func state(today: LocalDate) -> State {
        if receivedMinor >= amountDueMinor { return .paid }
        if let due = LocalDate(iso: dueOn), today > due { return .overdue }
        return receivedMinor > 0 ? .partial : .pending
    }
}
