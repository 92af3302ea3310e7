import Fluent
import Foundation
import LvyueCore
import Vapor

struct EscalationResponse: Content, HasVersion {
    var id: UUID
    var number: String
    var contractId: UUID
    var milestoneId: UUID?
    var riskId: UUID?
    var alertId: UUID?
    var qualityResultId: UUID?
    var detectedAt: Date
    var raisedAt: Date
    var raiseDueAt: Date
    /// The escalation.raise clock: raised within 24 h of detection.
    var raisedOnTime: Bool
    var description: String
    var impact: String?
    var initialFix: String?
    var level: Int
    var departments: [UUID]
    var status: EscalationStatus
    var resolveBy: Date
    /// The escalation.resolve clock at this moment: running, met or breached.
    var resolveState: String
    var resolution: String?
    var resolvedAt: Date?
    var closedAt: Date?
    var ageHours: Int
    var raisedByName: String
    var version: Int
}

extension Escalation: AuditedModel {
    static let entityType = "escalation"
    func response(_ ctx: ResponseContext) -> EscalationResponse {
        let stop = resolvedAt ?? (status == .closed ? closedAt : nil)
        let state: String = if let stop { stop <= resolveBy ? "met" : "breached" } else { ctx.now > resolveBy ? "breached" : "running" }
        let end = closedAt ?? ctx.now
        return EscalationResponse(
            id: id!, number: number, contractId: $contract.id, milestoneId: $milestone.id, riskId: riskID, alertId: alertID,
            qualityResultId: qualityResultID, detectedAt: detectedAt, raisedAt: raisedAt, raiseDueAt: raiseDueAt,
            raisedOnTime: raisedOnTime, description: summary, impact: impact, initialFix: initialFix, level: level,
            departments: departments, status: status, resolveBy: resolveBy, resolveState: state, resolution: resolution,
            resolvedAt: resolvedAt, closedAt: closedAt, ageHours: max(0, Int(end.timeIntervalSince(raisedAt) / 3600)),
            raisedByName: raisedByName, version: version)
    }
}

struct EscalationMeetingResponse: Content {
    var id: UUID
    var escalationId: UUID
    var heldAt: Date
    var attendees: String
    var decisions: String
    var resolveBy: Date
    var recordedBy: String

    init(_ m: EscalationMeeting) {
        id = m.id!
        escalationId = m.$escalation.id
        heldAt = m.heldAt
        attendees = m.attendees
        decisions = m.decisions
        resolveBy = m.resolveBy
        recordedBy = m.recordedBy
    }
}

struct EscalationEventResponse: Content {
    var id: UUID
    var kind: String
    var fromValue: String?
    var toValue: String?
    var note: String?
    var actorName: String
    var at: Date
    /// `note` as a locale key and parameters when the system wrote it.
    var messageKey: String?
    var messageParams: [String: String]?

    init(_ e: EscalationEvent) {
        id = e.id!
        kind = e.kind
        fromValue = e.fromValue
        toValue = e.toValue
        note = e.note
        actorName = e.actorName
        at = e.at
        messageKey = e.messageKey
        messageParams = e.messageKey == nil ? nil : MessageText.decodeParams(e.messageParams)
    }
}

struct EscalationCreateInput: Decodable, Sendable {
    var contractId: UUID?
    var milestoneId: UUID?
    var riskId: UUID?
    var alertId: UUID?
    var qualityResultId: UUID?
    var detectedAt: Date?
    var raisedAt: Date?
    var description: String?
    var impact: String?
    var initialFix: String?
    var level: Int?
    var departments: [UUID]?
}

/// PATCH: fields present change; `status` moves along open → in_progress → resolved → closed (or reopens);
/// closing needs a resolution, given now or before.
struct EscalationPatchInput: Decodable, Sendable {
    var description: Patch<String>
    var impact: Patch<String>
    var initialFix: Patch<String>
    var level: Patch<Int>
    var departments: Patch<[UUID]>
    var status: Patch<String>
    var resolution: Patch<String>
    var note: Patch<String>

    enum CodingKeys: String, CodingKey { case description, impact, initialFix, level, departments, status, resolution, note }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        description = try c.patch(String.self, .description)
        impact = try c.patch(String.self, .impact)
        initialFix = try c.patch(String.self, .initialFix)
        level = try c.patch(Int.self, .level)
        departments = try c.patch([UUID].self, .departments)
        status = try c.patch(String.self, .status)
        resolution = try c.patch(String.self, .resolution)
        note = try c.patch(String.self, .note)
    }
}

struct MeetingInput: Decodable, Sendable {
    var heldAt: Date?
    var attendees: String?
    var decisions: String?
    var resolveBy: Date?
    /// Alternative to resolve_by: hours after the meeting ("within 2 days" = 48).
    var resolveWithinHours: Int?
}

struct ChainLevelResponse: Content {
    var level: Int
    var userIds: [UUID]
    var departmentIds: [UUID]
    var version: Int
}

struct ChainResponse: Content {
    var levels: [ChainLevelResponse]
}

struct ChainInput: Decodable, Sendable {
    struct Level: Decodable, Sendable {
        var level: Int?
        var userIds: [UUID]?
        var departmentIds: [UUID]?
    }
    var levels: [Level]?
}
