import Fluent
import Foundation
import LvyueCore
import Vapor

struct RiskTriggerDTO: Content {
    var kind: RiskTriggerKind
    var days: Int?
    var milestoneId: UUID?
    var percent: Double?
}

struct RiskResponse: Content, HasVersion {
    var id: UUID
    var contractId: UUID
    var description: String
    var category: RiskCategory
    var likelihood: Int
    var impact: Int
    var score: Int
    /// low (1–4) / medium (5–9) / high (10–14) / critical (15–25).
    var band: String
    var mitigation: String?
    var ownerId: UUID?
    var status: RiskStatus
    var trigger: RiskTriggerDTO
    var fired: Bool
    var firedAt: Date?
    var lastReason: String?
    var messageKey: String?
    var messageParams: [String: String]?
    var evaluatedAt: Date?
    var version: Int
}

extension Risk: AuditedModel {
    static let entityType = "risk"
    func response(_ ctx: ResponseContext) -> RiskResponse {
        RiskResponse(id: id!, contractId: $contract.id, description: summary, category: category, likelihood: likelihood, impact: impact,
                     score: score, band: RiskTriggers.band(score: score), mitigation: mitigation, ownerId: $owner.id, status: status,
                     trigger: RiskTriggerDTO(kind: triggerKind, days: triggerDays, milestoneId: triggerMilestoneID, percent: triggerPercent),
                     fired: fired, firedAt: firedAt, lastReason: lastReason,
                     messageKey: messageKey, messageParams: messageKey == nil ? nil : MessageText.decodeParams(messageParams), evaluatedAt: evaluatedAt, version: version)
    }
}

/// One cell of the 5×5 heat map: how many (non-closed) risks sit at this likelihood × impact.
struct HeatCell: Content {
    var likelihood: Int
    var impact: Int
    var count: Int
}

struct RiskRegisterResponse: Content {
    var items: [RiskResponse]
    var nextCursor: String?
    var heatMap: [HeatCell]
}

struct RiskTriggerInput: Decodable, Sendable {
    var kind: String?
    var days: Int?
    var milestoneId: UUID?
    var percent: Double?
}

struct RiskInput: ResourceInput {
    var description: Patch<String>
    var category: Patch<String>
    var likelihood: Patch<Int>
    var impact: Patch<Int>
    var mitigation: Patch<String>
    var ownerId: Patch<UUID>
    var status: Patch<String>
    var trigger: Patch<RiskTriggerInput>

    enum CodingKeys: String, CodingKey { case description, category, likelihood, impact, mitigation, ownerId, status, trigger }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        description = try c.patch(String.self, .description)
        category = try c.patch(String.self, .category)
        likelihood = try c.patch(Int.self, .likelihood)
        impact = try c.patch(Int.self, .impact)
        mitigation = try c.patch(String.self, .mitigation)
        ownerId = try c.patch(UUID.self, .ownerId)
        status = try c.patch(String.self, .status)
        trigger = try c.patch(RiskTriggerInput.self, .trigger)
    }

    func apply(to r: Risk, creating: Bool, db: any Database) async throws {
        var check = FieldCheck()
        if creating || !description.isAbsent { r.summary = check.text(description.value, "description", max: 2000) ?? "" }
        if creating || !category.isAbsent { r.category = check.oneOf(category.value, "category", RiskCategory.self) ?? .other }
        if creating || !likelihood.isAbsent { r.likelihood = check.range(likelihood.value, "likelihood", 1...5) ?? 1 }
        if creating || !impact.isAbsent { r.impact = check.range(impact.value, "impact", 1...5) ?? 1 }
        if !mitigation.isAbsent { r.mitigation = check.text(mitigation.value, "mitigation", max: 4000, required: false) }
        if creating {
            r.status = .open
            r.fired = false
            r.firingSeq = 0
            r.triggerKind = .manual
        }
        if !status.isAbsent, let s = check.oneOf(status.value, "status", RiskStatus.self) { r.status = s }
        if !trigger.isAbsent {
            if let t = trigger.value {
                if let kind = check.oneOf(t.kind, "trigger.kind", RiskTriggerKind.self) {
                    let parsed = RiskTrigger(kind: kind, days: t.days, milestoneId: t.milestoneId, percent: t.percent)
                    for (f, reason) in parsed.problems() { check.fail(f, reason) }
                    r.triggerKind = kind
                    r.triggerDays = t.days
                    r.triggerMilestoneID = t.milestoneId
                    r.triggerPercent = t.percent
                }
            } else {
                check.fail("trigger", "must not be null (use kind \"manual\" for a risk without a machine condition)")
            }
        }
        try check.throwIfAny()
        if !ownerId.isAbsent {
            try await Writes.requireReference(User.self, ownerId.value, field: "owner_id", on: db)
            r.$owner.id = ownerId.value
        }
        if let mid = r.triggerMilestoneID, !trigger.isAbsent {
            guard let m = try await Milestone.find(mid, on: db), m.$contract.id == r.$contract.id else {
                throw AppError.invalid(fields: ["trigger.milestone_id": "no such milestone in this contract"])
            }
        }
    }
}

struct ChecklistItemResponse: Content {
    var description: String
    var category: RiskCategory
    var likelihood: Int
    var impact: Int
    var mitigation: String
    var trigger: RiskTriggerDTO
}

struct ChecklistResponse: Content {
    var contractCategory: ContractCategory
    var items: [ChecklistItemResponse]
}

struct AppliedChecklistResponse: Content {
    var created: [RiskResponse]
    var skipped: Int
}
