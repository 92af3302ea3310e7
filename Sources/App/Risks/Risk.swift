import Fluent
import Foundation
import LvyueCore

enum RiskCategory: String, Codable, CaseIterable, Sendable {
    case schedule, supply, quality, payment, customer, technical, policy, resource, other
}

/// open → triggered (a trigger fired, or set by hand) → mitigating → closed; closed risks are not evaluated.
enum RiskStatus: String, Codable, CaseIterable, Sendable {
    case open, triggered, mitigating, closed
}

/// A row of the Risk Pre-assessment Table (风险预判表) with a machine-evaluable trigger (issue #4).
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class Risk: Model, @unchecked Sendable {
    static let schema = "risks"

    @ID(key: .id) var id: UUID?
    @Parent(key: "contract_id") var contract: Contract
    @Field(key: "description") var summary: String
    @Field(key: "category") var category: RiskCategory
    @Field(key: "likelihood") var likelihood: Int
    @Field(key: "impact") var impact: Int
    @OptionalField(key: "mitigation") var mitigation: String?
    @OptionalParent(key: "owner_id") var owner: User?
    @Field(key: "status") var status: RiskStatus
    // The trigger, flattened so the sweeper can select by kind.
    @Field(key: "trigger_kind") var triggerKind: RiskTriggerKind
    @OptionalField(key: "trigger_days") var triggerDays: Int?
    @OptionalField(key: "trigger_milestone_id") var triggerMilestoneID: UUID?
    @OptionalField(key: "trigger_percent") var triggerPercent: Double?
    // Firing state: `fired` while the condition holds; `firing_seq` counts firings, so each one has its own alert key.
    @Field(key: "fired") var fired: Bool
    @Field(key: "firing_seq") var firingSeq: Int
    @OptionalField(key: "fired_at") var firedAt: Date?
    @OptionalField(key: "last_reason") var lastReason: String?
    // `last_reason` as a locale key and parameters (nil on risks evaluated before keys existed).
    @OptionalField(key: "message_key") var messageKey: String?
    @OptionalField(key: "message_params") var messageParams: String?
    @OptionalField(key: "evaluated_at") var evaluatedAt: Date?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var trigger: RiskTrigger {
        RiskTrigger(kind: triggerKind, days: triggerDays, milestoneId: triggerMilestoneID, percent: triggerPercent)
    }

    var reasonMessage: Message? { MessageText.message(key: messageKey, params: messageParams) }

    var score: Int { RiskTriggers.score(likelihood: likelihood, impact: impact) }
}
