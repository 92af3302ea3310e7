import Fluent
import Foundation
import LvyueCore

enum RequestType: String, Codable, CaseIterable, Sendable {
    case faultRepair = "fault_repair"
    case consultation, upgrade, inspection, training, other
}

enum Urgency: String, Codable, CaseIterable, Sendable {
    case urgent, normal, periodic
}

/// received → confirmed (or rejected) → responded → remote_support → dispatched → on_site → resolved → signed_off →
/// closed. Waiting on the customer is a flag (`waiting`), not a status, so the step reached is never lost.
enum RequestStatus: String, Codable, CaseIterable, Sendable {
    case received, confirmed, rejected, responded
    case remoteSupport = "remote_support"
    case dispatched
    case onSite = "on_site"
    case resolved
    case signedOff = "signed_off"
    case closed

    var isOpen: Bool { ![.rejected, .closed].contains(self) }
}

/// A service request: one row of the 后期服务需求处理记录表 (模板4).
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class ServiceRequest: Model, @unchecked Sendable {
    static let schema = "service_requests"

    // managed
    @ID(key: .id) var id: UUID?
    /// SR-2026-000123.
    @Field(key: "number") var number: String
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    // the form
    @Field(key: "customer_id") var customerID: UUID
    @OptionalField(key: "contract_id") var contractID: UUID?
    @OptionalField(key: "plan_id") var planID: UUID?
    @OptionalField(key: "inspection_id") var inspectionID: UUID?
    /// The work instruction and survey versions in force on the day it was received (template library).
    @OptionalField(key: "instruction_template_version_id") var instructionTemplateVersionID: UUID?
    @OptionalField(key: "survey_template_version_id") var surveyTemplateVersionID: UUID?
    @Field(key: "channel") var channel: ServiceChannel
    @Field(key: "type") var type: RequestType
    @Field(key: "urgency") var urgency: Urgency
    @Field(key: "remote_solvable") var remoteSolvable: Bool
    /// Outside the warranty (or without a plan): paid service.
    @Field(key: "paid_service") var paidService: Bool
    @Field(key: "title") var title: String
    @Field(key: "description") var summary: String
    @OptionalField(key: "contact_name") var contactName: String?
    @OptionalField(key: "contact_email") var contactEmail: String?
    @OptionalField(key: "contact_phone") var contactPhone: String?
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "status") var status: RequestStatus
    @Field(key: "waiting") var waiting: Bool
    @Field(key: "reopen_count") var reopenCount: Int

    // assignment
    @OptionalField(key: "engineer_id") var engineerID: UUID?
    @OptionalField(key: "engineer_name") var engineerName: String?
    @OptionalField(key: "department_id") var departmentID: UUID?

    // the steps, each with who did it
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @OptionalField(key: "confirmed_by") var confirmedBy: String?
    @OptionalField(key: "rejected_at") var rejectedAt: Date?
    @OptionalField(key: "rejected_by") var rejectedBy: String?
    @OptionalField(key: "reject_reason") var rejectReason: String?
    @OptionalField(key: "responded_at") var respondedAt: Date?
    @OptionalField(key: "responded_by") var respondedBy: String?
    @OptionalField(key: "remote_at") var remoteAt: Date?
    @OptionalField(key: "remote_by") var remoteBy: String?
    @OptionalField(key: "dispatched_at") var dispatchedAt: Date?
    @OptionalField(key: "dispatched_by") var dispatchedBy: String?
    @OptionalField(key: "onsite_at") var onsiteAt: Date?
    @OptionalField(key: "onsite_by") var onsiteBy: String?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "resolved_by") var resolvedBy: String?
    @OptionalField(key: "solution") var solution: String?
    @OptionalField(key: "signed_by") var signedBy: String?
    @OptionalField(key: "signed_at") var signedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "closed_by") var closedBy: String?

    // clocks
    /// The calendar of the plan when the request was received, and the plan's clock policy then (JSON).
    @Field(key: "calendar_id") var calendarID: String
    @Field(key: "clock_policy") var clockPolicyJSON: String
    /// Nearest due time of a running clock — the desk queue sorts on it (indexed).
    @OptionalField(key: "next_due_at") var nextDueAt: Date?
    /// When the sweeper must look again: the next warning or breach not yet alerted (indexed).
    @OptionalField(key: "next_check_at") var nextCheckAt: Date?
    /// Some clock of this request breached (feeds the sla_breach_rate risk trigger).
    @Field(key: "breached") var breached: Bool

    init() {}

    var clockPolicy: ClockPolicy { ClockPolicy.decoded.value(clockPolicyJSON) }
}

extension ServiceRequest: ListedFields {
    static let listedProperties: [@Sendable (ServiceRequest) -> any AnyDatabaseProperty] = [
        { $0.$id }, { $0.$number }, { $0.$version }, { $0.$createdAt }, { $0.$updatedAt }, { $0.$customerID },
        { $0.$contractID }, { $0.$planID }, { $0.$inspectionID }, { $0.$instructionTemplateVersionID },
        { $0.$surveyTemplateVersionID }, { $0.$channel }, { $0.$type }, { $0.$urgency }, { $0.$remoteSolvable },
        { $0.$paidService }, { $0.$title }, { $0.$summary }, { $0.$contactName }, { $0.$contactEmail },
        { $0.$contactPhone }, { $0.$receivedAt }, { $0.$status }, { $0.$waiting }, { $0.$reopenCount },
        { $0.$engineerID }, { $0.$engineerName }, { $0.$departmentID }, { $0.$confirmedAt }, { $0.$confirmedBy },
        { $0.$rejectedAt }, { $0.$rejectedBy }, { $0.$rejectReason }, { $0.$respondedAt }, { $0.$respondedBy },
        { $0.$remoteAt }, { $0.$remoteBy }, { $0.$dispatchedAt }, { $0.$dispatchedBy }, { $0.$onsiteAt },
        { $0.$onsiteBy }, { $0.$resolvedAt }, { $0.$resolvedBy }, { $0.$solution }, { $0.$signedBy },
        { $0.$signedAt }, { $0.$closedAt }, { $0.$closedBy }, { $0.$calendarID }, { $0.$clockPolicyJSON },
        { $0.$nextDueAt }, { $0.$nextCheckAt }, { $0.$breached }
    ]
}

/// One step in a request's history: the clocks are replayed from these.
final class ServiceRequestEvent: Model, @unchecked Sendable {
    static let schema = "service_request_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "request_id") var requestID: UUID
    @Field(key: "type") var type: String
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "recorded_at") var recordedAt: Date
    /// The text above as a locale key and parameters (nil on rows written before keys existed).
    @OptionalField(key: "message_key") var messageKey: String?
    @OptionalField(key: "message_params") var messageParams: String?

    var message: Message? { MessageText.message(key: messageKey, params: messageParams) }

    init() {}
}

extension ServiceRequestEvent: ListedFields {
    static let listedProperties: [@Sendable (ServiceRequestEvent) -> any AnyDatabaseProperty] = [
        { $0.$id }, { $0.$requestID }, { $0.$type }, { $0.$at }, { $0.$actorID }, { $0.$actorName }, { $0.$note },
        { $0.$recordedAt }, { $0.$messageKey }, { $0.$messageParams }
    ]
}

/// A request being created, as it is written: its answer and the stored columns the answer does not show. It is
/// inserted from these values and answered from them (a model read back field by field costs a cast per field, inside
/// the write lock every new request waits for); `model()` is the same request as a model, for the rest of the write.
/// `ReadPathTests.newRequestIsWrittenAsItsModel` checks the columns against Fluent's own of the model.
struct NewServiceRequest {
    var response: ServiceRequestResponse
    var createdAt: Date
    var instructionTemplateVersionID: UUID?
    var surveyTemplateVersionID: UUID?
    var clockPolicyJSON: String
    var nextCheckAt: Date?

    /// The columns a new request sets, in the order of `values` (the steps' columns start empty).
    static let columns = [
        "id", "number", "version", "created_at", "updated_at", "customer_id", "contract_id", "plan_id", "inspection_id",
        "instruction_template_version_id", "survey_template_version_id", "channel", "type", "urgency", "remote_solvable",
        "paid_service", "title", "description", "contact_name", "contact_email", "contact_phone", "received_at", "status",
        "waiting", "reopen_count", "engineer_id", "engineer_name", "department_id", "calendar_id", "clock_policy",
        "next_due_at", "next_check_at", "breached",
    ]

    var values: [PlainValue] {
        let r = response
        return [
            .uuid(r.id), .text(r.number), .integer(r.version), .instant(createdAt), .instant(createdAt), .uuid(r.customerId),
            .uuid(r.contractId), .uuid(r.planId), .uuid(r.inspectionId), .uuid(instructionTemplateVersionID),
            .uuid(surveyTemplateVersionID), .text(r.channel.rawValue), .text(r.type.rawValue), .text(r.urgency.rawValue),
            .bool(r.remoteSolvable), .bool(r.paidService), .text(r.title), .text(r.description), .text(r.contactName),
            .text(r.contactEmail), .text(r.contactPhone), .instant(r.receivedAt), .text(r.status.rawValue), .bool(r.waiting),
            .integer(r.reopenCount), .uuid(r.engineerId), .text(r.engineerName), .uuid(r.departmentId), .text(r.calendarId),
            .text(clockPolicyJSON), .instant(r.nextDueAt), .instant(nextCheckAt), .bool(r.breached),
        ]
    }

    func model() -> ServiceRequest {
        let r = response, m = ServiceRequest()
        m.id = r.id
        m.number = r.number
        m.version = r.version
        m.createdAt = createdAt
        m.updatedAt = createdAt
        m.customerID = r.customerId
        m.contractID = r.contractId
        m.planID = r.planId
        m.inspectionID = r.inspectionId
        m.instructionTemplateVersionID = instructionTemplateVersionID
        m.surveyTemplateVersionID = surveyTemplateVersionID
        m.channel = r.channel
        m.type = r.type
        m.urgency = r.urgency
        m.remoteSolvable = r.remoteSolvable
        m.paidService = r.paidService
        m.title = r.title
        m.summary = r.description
        m.contactName = r.contactName
        m.contactEmail = r.contactEmail
        m.contactPhone = r.contactPhone
        m.receivedAt = r.receivedAt
        m.status = r.status
        m.waiting = r.waiting
        m.reopenCount = r.reopenCount
        m.engineerID = r.engineerId
        m.engineerName = r.engineerName
        m.departmentID = r.departmentId
        m.calendarID = r.calendarId
        m.clockPolicyJSON = clockPolicyJSON
        m.nextDueAt = r.nextDueAt
        m.nextCheckAt = nextCheckAt
        m.breached = r.breached
        return m
    }
}
