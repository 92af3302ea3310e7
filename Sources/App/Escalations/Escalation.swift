import Fluent
import Foundation
import LvyueCore

/// open → in_progress → resolved → closed (closing needs a resolution); resolved or closed may be reopened (back to open).
enum EscalationStatus: String, Codable, CaseIterable, Sendable {
    case open
    case inProgress = "in_progress"
    case resolved, closed

    func canMove(to next: EscalationStatus) -> Bool {
        switch (self, next) {
        // Closing straight from open or in progress is allowed when the resolution is given at the same time.
        case (.open, .inProgress), (.open, .resolved), (.inProgress, .resolved), (.resolved, .closed), (.open, .closed), (.inProgress, .closed),
             (.resolved, .open), (.closed, .open), (.resolved, .inProgress):
            return true
        default:
            return self == next
        }
    }
}

/// An Issue Escalation Form (模板3 合同履约问题升级处理表), issue #4.
// Fluent models are reference types confined to one task at a time; @unchecked Sendable is Fluent's convention.
final class Escalation: Model, @unchecked Sendable {
    static let schema = "escalations"

    @ID(key: .id) var id: UUID?
    /// ESC-2026-0001.
    @Field(key: "number") var number: String
    @Parent(key: "contract_id") var contract: Contract
    @OptionalParent(key: "milestone_id") var milestone: Milestone?
    @OptionalField(key: "risk_id") var riskID: UUID?
    @OptionalField(key: "alert_id") var alertID: UUID?
    @OptionalField(key: "quality_result_id") var qualityResultID: UUID?
    @Field(key: "detected_at") var detectedAt: Date
    @Field(key: "raised_at") var raisedAt: Date
    /// The `escalation.raise` clock: due 24 h after detection; met or breached when raised.
    @Field(key: "raise_due_at") var raiseDueAt: Date
    @Field(key: "raised_on_time") var raisedOnTime: Bool
    @Field(key: "description") var summary: String
    @OptionalField(key: "impact") var impact: String?
    @OptionalField(key: "initial_fix") var initialFix: String?
    @Field(key: "level") var level: Int
    /// Coordinating department ids, a JSON array.
    @Field(key: "departments") var departmentsJSON: String
    @Field(key: "status") var status: EscalationStatus
    /// The `escalation.resolve` deadline: 2 days after raising, or what the last coordination meeting set.
    @Field(key: "resolve_by") var resolveBy: Date
    /// Bumped each time a meeting sets a deadline; the sweeper levels up once per deadline.
    @Field(key: "deadline_seq") var deadlineSeq: Int
    @Field(key: "overdue_handled_seq") var overdueHandledSeq: Int
    @OptionalField(key: "resolution") var resolution: String?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "raised_by_id") var raisedByID: UUID?
    @Field(key: "raised_by_name") var raisedByName: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var departments: [UUID] {
        get { (try? JSONDecoder().decode([UUID].self, from: Data(departmentsJSON.utf8))) ?? [] }
        set { departmentsJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }
}

/// A coordination meeting (履约问题协调会): who met, what they decided, and the deadline it set.
final class EscalationMeeting: Model, @unchecked Sendable {
    static let schema = "escalation_meetings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "escalation_id") var escalation: Escalation
    @Field(key: "held_at") var heldAt: Date
    @Field(key: "attendees") var attendees: String
    @Field(key: "decisions") var decisions: String
    @Field(key: "resolve_by") var resolveBy: Date
    @Field(key: "recorded_by") var recordedBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// The readable history of an escalation: status changes, level changes, meetings, clock outcomes.
final class EscalationEvent: Model, @unchecked Sendable {
    static let schema = "escalation_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "escalation_id") var escalation: Escalation
    @Field(key: "kind") var kind: String
    @OptionalField(key: "from_value") var fromValue: String?
    @OptionalField(key: "to_value") var toValue: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "at") var at: Date
    /// The text above as a locale key and parameters (nil on rows written before keys existed).
    @OptionalField(key: "message_key") var messageKey: String?
    @OptionalField(key: "message_params") var messageParams: String?

    var message: Message? { MessageText.message(key: messageKey, params: messageParams) }

    init() {}
}

/// Who is told at each escalation level (1–3): users and departments.
final class EscalationChainLevel: Model, @unchecked Sendable {
    static let schema = "escalation_chain"

    @ID(custom: "level", generatedBy: .user) var id: Int?
    @Field(key: "user_ids") var userIDsJSON: String
    @Field(key: "department_ids") var departmentIDsJSON: String
    @Field(key: "version") var version: Int

    init() {}

    var userIDs: [UUID] {
        get { (try? JSONDecoder().decode([UUID].self, from: Data(userIDsJSON.utf8))) ?? [] }
        set { userIDsJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }
    var departmentIDs: [UUID] {
        get { (try? JSONDecoder().decode([UUID].self, from: Data(departmentIDsJSON.utf8))) ?? [] }
        set { departmentIDsJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }
}


enum Counters {
    /// The next value of a named counter, inside the caller's transaction. The upsert takes the row lock on
    /// PostgreSQL (and SQLite writes are serialised), so two transactions never get the same value.
    private static let nextText: SQLText = """
        INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value
        """

    static func next(_ name: String, on db: any Database) async throws -> Int {
        let row = try await db.sql.first(nextText, name)
        return Int(try row?.decode(column: "value", as: Int64.self) ?? 1)
    }
}
