import Foundation
import LvyueCore

enum Schemas {
    static var all: [String: Any] {
        var schemas: [String: Any] = [
            "Error": S.object([
                "error": S.object(["code": S.string, "message": S.string,
                                   "fields": ["type": "object", "additionalProperties": S.string]], required: ["code", "message"]),
            ], required: ["error"]),
            "TokenRequest": S.object(["username": S.string, "password": S.string, "name": S.string,
                                      "expires_in_hours": S.int], required: ["username", "password"]),
            "Token": S.response(["token": S.string, "expires_at": S.timeN]),
            "Department": S.response(["id": S.uuid, "code": S.string, "name": S.string, "active": S.bool, "version": S.int]),
            "DepartmentCreate": S.object(["code": S.string, "name": S.string], required: ["code", "name"]),
            "DepartmentPatch": S.object(["name": S.string, "active": S.bool]),
            "User": S.response([
                "id": S.uuid, "username": S.string, "display_name": S.string, "email": S.stringN, "phone": S.stringN,
                "department_id": S.uuidN, "role": S.enumeration(Role.self), "customer_id": S.uuidN, "active": S.bool, "version": S.int,
            ]),
            "UserCreate": S.object([
                "username": S.string, "display_name": S.string, "password": S.string, "role": S.enumeration(Role.self),
                "department_id": S.uuidN, "customer_id": S.uuidN, "email": S.stringN, "phone": S.stringN,
            ], required: ["username", "display_name", "password", "role"]),
            "UserPatch": S.object([
                "display_name": S.string, "role": S.enumeration(Role.self), "department_id": S.uuidN, "email": S.stringN,
                "phone": S.stringN, "active": S.bool, "password": S.string,
            ]),
            "Customer": S.response(["id": S.uuid, "name": S.string, "short_name": S.stringN, "industry": S.stringN,
                                    "address": S.stringN, "version": S.int]),
            "CustomerInput": S.object(["name": S.string, "short_name": S.stringN, "industry": S.stringN, "address": S.stringN]),
            "Contact": S.response(["id": S.uuid, "customer_id": S.uuid, "name": S.string, "title": S.stringN, "phone": S.stringN,
                                   "email": S.stringN, "version": S.int]),
            "ContactInput": S.object(["name": S.string, "title": S.stringN, "phone": S.stringN, "email": S.stringN]),
            "Contract": S.response([
                "id": S.uuid, "number": S.string, "title": S.string, "customer_id": S.uuid,
                "category": S.enumeration(ContractCategory.self), "amount": S.money, "currency": S.string,
                "signed_on": S.dateN, "starts_on": S.dateN, "ends_on": S.dateN, "status": S.enumeration(ContractStatus.self),
                "owner_id": S.uuidN, "department_id": S.uuidN, "update_cadence_days": ["type": "integer", "enum": [7, 14]],
                "description": S.stringN, "version": S.int, "created_at": S.timeN, "updated_at": S.timeN,
            ]),
            "ContractInput": S.object([
                "number": S.string, "title": S.string, "customer_id": S.uuid, "category": S.enumeration(ContractCategory.self),
                "amount": S.money, "currency": S.string, "signed_on": S.dateN, "starts_on": S.dateN, "ends_on": S.dateN,
                "status": S.enumeration(ContractStatus.self), "owner_id": S.uuidN, "department_id": S.uuidN,
                "update_cadence_days": ["type": "integer", "enum": [7, 14]], "description": S.stringN,
            ]),
            "Clause": S.response(["id": S.uuid, "contract_id": S.uuid, "reference": S.stringN,
                                  "category": S.enumeration(ClauseCategory.self), "text": S.string, "due_on": S.dateN, "version": S.int]),
            "ClauseInput": S.object(["reference": S.stringN, "category": S.enumeration(ClauseCategory.self), "text": S.string, "due_on": S.dateN]),
            "Responsibility": S.response([
                "id": S.uuid, "contract_id": S.uuid, "clause_id": S.uuidN, "department_id": S.uuid, "owner_id": S.uuidN,
                "duty": S.string, "due_on": S.dateN, "collaborators": S.array(S.uuid),
                "status": S.enumeration(ResponsibilityStatus.self), "version": S.int,
            ]),
            "ResponsibilityInput": S.object([
                "clause_id": S.uuidN, "department_id": S.uuid, "owner_id": S.uuidN, "duty": S.string, "due_on": S.dateN,
                "collaborators": S.array(S.uuid), "status": S.enumeration(ResponsibilityStatus.self),
            ]),
            "Milestone": S.response([
                "id": S.uuid, "contract_id": S.uuid, "sequence": S.int, "name": S.string, "weight": S.number,
                "planned_on": S.date, "actual_on": S.dateN, "progress": S.int, "status": S.enumeration(MilestoneStatus.self),
                "delay_days": S.int, "delay_cause": S.enumeration(DelayCause.self, nullable: true), "delay_reason": S.stringN,
                "next_step": S.stringN, "department_id": S.uuidN, "version": S.int, "updated_at": S.timeN,
            ]),
            "MilestoneInput": S.object([
                "sequence": S.int, "name": S.string, "weight": S.number, "planned_on": S.date, "actual_on": S.dateN,
                "progress": S.int, "delay_cause": S.enumeration(DelayCause.self, nullable: true), "delay_reason": S.stringN,
                "next_step": S.stringN, "department_id": S.uuidN,
            ]),
            "MilestoneUpdate": S.response([
                "id": S.uuid, "milestone_id": S.uuid, "progress": S.int, "note": S.stringN, "actual_on": S.dateN,
                "delay_cause": S.enumeration(DelayCause.self, nullable: true), "delay_reason": S.stringN, "next_step": S.stringN,
                "author_id": S.uuidN, "author_name": S.string, "recorded_at": S.time,
            ]),
            "MilestoneUpdateInput": S.object([
                "progress": S.int, "note": S.stringN, "actual_on": S.dateN,
                "delay_cause": S.enumeration(DelayCause.self, nullable: true), "delay_reason": S.stringN, "next_step": S.stringN,
            ], required: ["progress"]),
            "MilestoneUpdateResult": S.response(["update": S.ref("MilestoneUpdate"), "milestone": S.ref("Milestone")]),
            "Payment": S.response([
                "id": S.uuid, "contract_id": S.uuid, "milestone_id": S.uuidN, "name": S.string, "amount_due": S.money,
                "due_on": S.date, "received_amount": S.money, "received_on": S.dateN,
                "status": ["type": "string", "enum": ["pending", "partial", "paid", "overdue"]], "note": S.stringN, "version": S.int,
            ]),
            "PaymentInput": S.object([
                "milestone_id": S.uuidN, "name": S.string, "amount_due": S.money, "due_on": S.date,
                "received_amount": S.moneyN, "received_on": S.dateN, "note": S.stringN,
            ]),
            "AuditEvent": S.response([
                "seq": S.int, "at": S.time, "actor_id": S.uuidN, "actor_name": S.string, "action": S.string,
                "entity_type": S.string, "entity_id": S.string, "before": S.stringN, "after": S.stringN,
                "prev_hash": S.string, "hash": S.string,
            ]),
        ]
        for item in ["Department", "User", "Customer", "Contact", "Contract", "Clause", "Responsibility", "Milestone",
                     "MilestoneUpdate", "Payment", "AuditEvent"] {
            schemas[item + "Page"] = S.page(of: item)
        }
        for (name, schema) in extraSchemas { schemas[name] = schema }
        return schemas
    }

    /// Schemas contributed by later capabilities register here (calendars, …).
    static var extraSchemas: [String: Any] {
        [
            CalendarSchemas.all, MonitoringSchemas.all, ServiceAPISchemas.all, SecuritySchemas.all,
            TemplateSchemas.all,  // issue #7
            ResourceSchemas.all,  // issue #10
            ExchangeSchemas.all,  // issue #7
            AnalyticsSchemas.all,  // issue #7
            JobSchemas.all,  // issue #8
        ].reduce(into: [:]) { all, part in all.merge(part) { first, _ in first } }
    }
}
