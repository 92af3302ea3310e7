import Foundation
import LvyueCore
import Vapor

struct ImprovementActionResponse: Content, HasVersion {
    var id: UUID
    var quarter: String
    var figureKey: String?
    var finding: String
    var causeCategory: CauseCategory
    var measure: String
    var ownerDepartmentId: UUID
    var ownerId: UUID?
    var dueOn: String
    var status: ActionStatus
    var doneOn: String?
    var effectReview: String?
    /// Past its due date and not done.
    var overdue: Bool
    var createdBy: String?
    var createdAt: Date
    var updatedAt: Date
    var version: Int
}

extension ImprovementAction: AuditedModel {
    static let entityType = "improvement_action"

    func isOverdue(today: LocalDate) -> Bool {
        guard !status.isClosed, let due = LocalDate(iso: dueOn) else { return false }
        return due < today
    }

    func response(_ ctx: ResponseContext) -> ImprovementActionResponse {
        ImprovementActionResponse(id: id!, quarter: quarter, figureKey: figureKey, finding: finding, causeCategory: causeCategory,
                                  measure: measure, ownerDepartmentId: ownerDepartmentID, ownerId: ownerID, dueOn: dueOn, status: status,
                                  doneOn: doneOn, effectReview: effectReview, overdue: isOverdue(today: ctx.today), createdBy: createdBy,
                                  createdAt: createdAt, updatedAt: updatedAt, version: version)
    }
}

struct ImprovementActionInput: Decodable, Sendable {
    var quarter: String?
    var figureKey: String?
    var finding: String?
    var causeCategory: String?
    var measure: String?
    var ownerDepartmentId: UUID?
    var ownerId: UUID?
    var dueOn: String?
    var status: String?
    var effectReview: String?
}

struct ImprovementActionPatch: Decodable, Sendable {
    var figureKey: Patch<String>
    var finding: String?
    var causeCategory: String?
    var measure: String?
    var ownerDepartmentId: UUID?
    var ownerId: Patch<UUID>
    var dueOn: String?
    var status: String?
    var effectReview: Patch<String>
}

/// The keys of the report's figures an action may be linked to.
enum ReportFigureKeys {
    static let all: Set<String> = {
        var keys: Set<String> = [
            "milestones.due", "milestones.on_time_rate", "milestones.delay_rate", "milestones.avg_delay_days", "milestones.max_delay_days",
            "escalations.count", "escalations.raised_on_time_rate", "escalations.resolution_rate", "escalations.resolved_on_time_rate",
            "escalations.avg_resolve_hours", "escalations.overdue", "payments.overdue_count", "payments.overdue_amount",
            "service.requests", "service.first_time_fix_rate", "service.reopen_rate", "service.clock_compliance",
            "service.follow_up_compliance", "service.objection_compliance", "satisfaction.ratings", "satisfaction.overall",
        ]
        for c in QuarterlyReportService.requestClocks { keys.insert("service.clock." + c) }
        for d in ReportQueries.dimensions { keys.insert("satisfaction." + d); keys.insert("satisfaction.\(d)_satisfied_rate") }
        return keys
    }()
}
