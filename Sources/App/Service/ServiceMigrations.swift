import Foundation
import Fluent
import SQLKit

/// The after-sales service tables (issue #6).
struct CreateServiceDesk: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ServicePlan.schema)
            .id()
            .field("contract_id", .uuid, .required, .references(Contract.schema, "id", onDelete: .cascade))
            .field("customer_id", .uuid, .required)
            .field("warranty_start", .string, .required)
            .field("warranty_end", .string, .required)
            .field("calendar_id", .string, .required)
            .field("fault_response", .bool, .required)
            .field("inspection_months", .int, .required)
            .field("upgrades", .bool, .required)
            .field("training", .bool, .required)
            .field("contact_name", .string, .required)
            .field("contact_phone", .string)
            .field("contact_email", .string)
            .field("channels", .string, .required)
            .field("clock_policy", .string, .required)
            .field("notes", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "contract_id", name: "service_plans_one_per_contract")
            .create()
        try await database.schema(ServiceNotice.schema)
            .id()
            .field("plan_id", .uuid, .required, .references(ServicePlan.schema, "id", onDelete: .cascade))
            .field("sent_to", .string, .required)
            .field("channel", .string, .required)
            .field("sent_at", .datetime, .required)
            .field("sent_by", .string, .required)
            .create()
        try await database.schema(ServiceRequest.schema)
            .id()
            .field("number", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("customer_id", .uuid, .required)
            .field("contract_id", .uuid)
            .field("plan_id", .uuid)
            .field("inspection_id", .uuid)
            .field("channel", .string, .required)
            .field("type", .string, .required)
            .field("urgency", .string, .required)
            .field("remote_solvable", .bool, .required)
            .field("paid_service", .bool, .required)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("contact_name", .string)
            .field("contact_email", .string)
            .field("contact_phone", .string)
            .field("received_at", .datetime, .required)
            .field("status", .string, .required)
            .field("waiting", .bool, .required)
            .field("reopen_count", .int, .required)
            .field("engineer_id", .uuid)
            .field("engineer_name", .string)
            .field("department_id", .uuid)
            .field("confirmed_at", .datetime).field("confirmed_by", .string)
            .field("rejected_at", .datetime).field("rejected_by", .string).field("reject_reason", .string)
            .field("responded_at", .datetime).field("responded_by", .string)
            .field("remote_at", .datetime).field("remote_by", .string)
            .field("dispatched_at", .datetime).field("dispatched_by", .string)
            .field("onsite_at", .datetime).field("onsite_by", .string)
            .field("resolved_at", .datetime).field("resolved_by", .string).field("solution", .string)
            .field("signed_by", .string).field("signed_at", .datetime)
            .field("closed_at", .datetime).field("closed_by", .string)
            .field("calendar_id", .string, .required)
            .field("clock_policy", .string, .required)
            .field("next_due_at", .datetime)
            .field("next_check_at", .datetime)
            .field("breached", .bool, .required)
            .unique(on: "number", name: "service_requests_number")
            .create()
        try await database.schema(ServiceRequestEvent.schema)
            .id()
            .field("request_id", .uuid, .required, .references(ServiceRequest.schema, "id", onDelete: .cascade))
            .field("type", .string, .required)
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("note", .string)
            .field("recorded_at", .datetime, .required)
            .create()
        try await database.schema(WorkInstruction.schema)
            .id()
            .field("request_type", .string, .required)
            .field("revision", .int, .required)
            .field("title", .string, .required)
            .field("items", .string, .required)
            .field("toolkit", .string, .required)
            .field("current", .bool, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "request_type", "revision", name: "work_instructions_revision")
            .create()
        try await database.schema(ChecklistItem.schema)
            .id()
            .field("request_id", .uuid, .required, .references(ServiceRequest.schema, "id", onDelete: .cascade))
            .field("instruction_id", .uuid)
            .field("position", .int, .required)
            .field("text", .string, .required)
            .field("mandatory", .bool, .required)
            .field("done", .bool, .required)
            .field("done_at", .datetime)
            .field("done_by", .string)
            .field("note", .string)
            .field("version", .int, .required)
            .create()
        try await database.schema(Inspection.schema)
            .id()
            .field("plan_id", .uuid, .required, .references(ServicePlan.schema, "id", onDelete: .cascade))
            .field("contract_id", .uuid, .required)
            .field("sequence", .int, .required)
            .field("planned_on", .string, .required)
            .field("visit_at", .datetime, .required)
            .field("planned_at", .datetime, .required)
            .field("confirm_due_at", .datetime)
            .field("confirmed_at", .datetime)
            .field("confirmed_by", .string)
            .field("status", .string, .required)
            .field("request_id", .uuid)
            .field("result", .string)
            .field("result_at", .datetime)
            .field("next_check_at", .datetime)
            .field("version", .int, .required)
            .unique(on: "plan_id", "sequence", name: "service_inspections_sequence")
            .create()
        try await database.schema(ServiceRating.schema)
            .id()
            .field("request_id", .uuid, .required, .references(ServiceRequest.schema, "id", onDelete: .cascade))
            .field("speed", .int, .required)
            .field("solving", .int, .required)
            .field("attitude", .int, .required)
            .field("professionalism", .int, .required)
            .field("comment", .string)
            .field("source", .string, .required)
            .field("rated_at", .datetime, .required)
            .unique(on: "request_id", name: "service_ratings_one_per_request")
            .create()
        try await database.schema(RatingToken.schema)
            .id()
            .field("request_id", .uuid, .required, .references(ServiceRequest.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash", name: "service_rating_tokens_hash")
            .create()
        try await database.schema(FollowUp.schema)
            .id()
            .field("request_id", .uuid, .required, .references(ServiceRequest.schema, "id", onDelete: .cascade))
            .field("called_at", .datetime, .required)
            .field("caller_name", .string, .required)
            .field("caller_id", .uuid)
            .field("outcome", .string, .required)
            .field("notes", .string)
            .create()
        try await database.schema(Objection.schema)
            .id()
            .field("request_id", .uuid, .required, .references(ServiceRequest.schema, "id", onDelete: .cascade))
            .field("raised_at", .datetime, .required)
            .field("source", .string, .required)
            .field("description", .string, .required)
            .field("status", .string, .required)
            .field("resolve_due_at", .datetime, .required)
            .field("resolution", .string)
            .field("resolved_at", .datetime)
            .field("resolved_by", .string)
            .field("feedback", .string)
            .field("feedback_at", .datetime)
            .field("next_check_at", .datetime)
            .field("version", .int, .required)
            .create()
        try await database.schema(TriageItem.schema)
            .id()
            .field("from_address", .string, .required)
            .field("from_name", .string)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("message_id", .string)
            .field("received_at", .datetime, .required)
            .field("status", .string, .required)
            .field("request_id", .uuid)
            .field("handled_by", .string)
            .field("handled_at", .datetime)
            .field("version", .int, .required)
            .create()
        for sql in [
            "CREATE INDEX service_requests_by_due ON service_requests (next_due_at, id)",
            "CREATE INDEX service_requests_by_check ON service_requests (next_check_at)",
            "CREATE INDEX service_requests_by_status ON service_requests (status, id)",
            "CREATE INDEX service_requests_by_contract ON service_requests (contract_id, id)",
            "CREATE INDEX service_requests_by_customer ON service_requests (customer_id, id)",
            "CREATE INDEX service_requests_by_engineer ON service_requests (engineer_id, id)",
            "CREATE INDEX service_request_events_by_request ON service_request_events (request_id, at)",
            "CREATE INDEX service_checklist_by_request ON service_checklist_items (request_id, position)",
            "CREATE INDEX service_inspections_by_check ON service_inspections (next_check_at)",
            "CREATE INDEX service_inspections_by_day ON service_inspections (planned_on, status)",
            "CREATE INDEX service_objections_by_request ON service_objections (request_id, id)",
            "CREATE INDEX service_objections_by_check ON service_objections (next_check_at)",
            "CREATE INDEX service_follow_ups_by_request ON service_follow_ups (request_id, id)",
            "CREATE INDEX service_triage_by_status ON service_triage (status, id)",
            "CREATE INDEX service_notices_by_plan ON service_notices (plan_id, id)",
        ] {
            try await database.sql.raw(SQLQueryString(sql)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for s in [TriageItem.schema, Objection.schema, FollowUp.schema, RatingToken.schema, ServiceRating.schema, Inspection.schema,
                  ChecklistItem.schema, WorkInstruction.schema, ServiceRequestEvent.schema, ServiceRequest.schema, ServiceNotice.schema,
                  ServicePlan.schema] {
            try await database.schema(s).delete()
        }
    }
}

/// The default work instruction per request type (Chinese), so a fresh installation has checklists to work from.
struct SeedWorkInstructions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let now = Date()
        try await database.transaction { db in
            if try await WorkInstruction.query(on: db).count() > 0 { return }
            for d in DefaultWorkInstructions.all {
                let w = try await WorkInstructionService.publish(type: d.type, title: d.title, items: d.items, toolkit: d.toolkit, by: "system",
                                                                 on: db, now: now, newID: { UUIDv7.make(at: now) })
                try await AuditLog.append(on: db, at: now, actor: .system, action: "create", entityType: WorkInstruction.entityType,
                                          entityID: w.id!.uuidString, after: w.response(ResponseContext(now: now)))
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await WorkInstruction.query(on: database).delete()
    }
}
