import Fluent
import Foundation
import LvyueCore

enum AlertLevel: String, Codable, CaseIterable, Sendable {
    case warning, breach
}

enum AlertStatus: String, Codable, CaseIterable, Sendable {
    case open, acknowledged, resolved
}

/// What raised an alert: a risk trigger, a late milestone, an overdue escalation.
enum AlertSource: String, Codable, CaseIterable, Sendable {
    case risk, milestone, escalation
    // Issue #6: service clocks — a request's clocks, an inspection's confirmation, an objection's resolution.
    case serviceRequest = "service_request"
    case inspection, objection
    // Issue #7: an improvement action past its due date.
    case improvementAction = "improvement_action"
}

/// One firing of a monitored condition (issue #4). `(source, source_id, condition_key, firing_seq)` is unique
/// in the database, so re-evaluating — on another instance, or twice at once — never duplicates an alert.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class Alert: Model, @unchecked Sendable {
    static let schema = "alerts"

    @ID(key: .id) var id: UUID?
    @Field(key: "source") var source: AlertSource
    @Field(key: "source_id") var sourceID: UUID
    @Field(key: "condition_key") var conditionKey: String
    @Field(key: "firing_seq") var firingSeq: Int
    @OptionalField(key: "contract_id") var contractID: UUID?
    @OptionalField(key: "milestone_id") var milestoneID: UUID?
    @Field(key: "level") var level: AlertLevel
    @Field(key: "title") var title: String
    @Field(key: "reason") var reason: String
    @Field(key: "status") var status: AlertStatus
    @Field(key: "fired_at") var firedAt: Date
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalField(key: "acknowledged_by") var acknowledgedBy: String?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @Field(key: "version") var version: Int
    /// The title and reason as a locale key and parameters (`<key>.title`, `<key>.reason`); nil on older rows.
    @OptionalField(key: "message_key") var messageKey: String?
    @OptionalField(key: "message_params") var messageParams: String?

    init() {}

    var message: Message? { MessageText.message(key: messageKey, params: messageParams) }
}
