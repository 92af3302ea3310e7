import Foundation
import LvyueCore

/// After-sales service's part of the OpenAPI document (issue #6).
enum ServiceAPISchemas {
    /// Non-null properties required, nullable ones optional (the encoder omits nil).
    static func response(_ properties: [String: [String: Any]]) -> [String: Any] {
        let required = properties.filter { _, schema in
            guard let types = schema["type"] as? [String] else { return true }
            return !types.contains("null")
        }.map(\.key)
        return S.object(properties, required: required)
    }

    static var requestProperties: [String: [String: Any]] {
        [
            "id": S.uuid, "number": ["type": "string", "pattern": "^SR-[0-9]{4}-[0-9]{6,}$"], "customer_id": S.uuid, "contract_id": S.uuidN,
            "plan_id": S.uuidN, "inspection_id": S.uuidN, "channel": S.enumeration(ServiceChannel.self), "type": S.enumeration(RequestType.self),
            "urgency": S.enumeration(Urgency.self), "remote_solvable": S.bool, "paid_service": S.bool, "title": S.string, "description": S.string,
            "contact_name": S.stringN, "contact_email": S.stringN, "contact_phone": S.stringN, "received_at": S.time,
            "status": S.enumeration(RequestStatus.self), "waiting": S.bool, "reopen_count": S.int, "engineer_id": S.uuidN, "engineer_name": S.stringN,
            "department_id": S.uuidN, "confirmed_at": S.timeN, "confirmed_by": S.stringN, "rejected_at": S.timeN, "rejected_by": S.stringN,
            "reject_reason": S.stringN, "responded_at": S.timeN, "responded_by": S.stringN, "remote_at": S.timeN, "remote_by": S.stringN,
            "dispatched_at": S.timeN, "dispatched_by": S.stringN, "onsite_at": S.timeN, "onsite_by": S.stringN, "resolved_at": S.timeN,
            "resolved_by": S.stringN, "solution": S.stringN, "signed_by": S.stringN, "signed_at": S.timeN, "closed_at": S.timeN,
            "closed_by": S.stringN, "calendar_id": S.string, "next_due_at": S.timeN, "breached": S.bool, "version": S.int,
        ]
    }

    static var all: [String: Any] {
        let target = S.object(["unit": S.string, "value": S.int], required: ["unit", "value"])
        let policy = S.object([
            "targets": ["type": "object", "additionalProperties": target],
            "calendars": ["type": "object", "additionalProperties": S.string],
            "warning_ratios": ["type": "object", "additionalProperties": S.number],
        ])
        let clockDefinition = response([
            "name": S.string, "start_event": S.string, "stop_event": S.string, "pause_states": S.array(S.string), "target": target,
            "calendar_id": S.stringN, "warning_ratio": S.number,
        ])
        let toolkitItem = response(["name": S.string, "category": S.enumeration(ToolCategory.self), "quantity": ["type": ["integer", "null"]]])
        let instructionItem = S.object(["text": S.string, "mandatory": S.bool], required: ["text", "mandatory"])
        var detail = requestProperties
        detail["clocks"] = S.array(S.ref("ServiceClock"))
        detail["checklist"] = S.array(S.ref("ChecklistItem"))
        detail["toolkit"] = S.array(toolkitItem)
        detail["events"] = S.array(S.ref("ServiceRequestEvent"))
        detail["rating"] = ["oneOf": [S.ref("ServiceRating"), ["type": "null"]]]
        detail["follow_ups"] = S.array(S.ref("FollowUp"))
        detail["objections"] = S.array(S.ref("Objection"))
        var detailSchema = response(detail)
        detailSchema["required"] = (detailSchema["required"] as? [String] ?? []).filter { $0 != "rating" }
        let ratingInput = S.object(["speed": S.int, "solving": S.int, "attitude": S.int, "professionalism": S.int, "comment": S.stringN],
                                   required: ["speed", "solving", "attitude", "professionalism"])
        var schemas: [String: Any] = [
            "ClockPolicy": policy,
            "ClockDefinition": clockDefinition,
            "ServicePlan": response([
                "id": S.uuid, "contract_id": S.uuid, "customer_id": S.uuid, "warranty_start": S.date, "warranty_end": S.date,
                "calendar_id": S.string, "fault_response": S.bool, "inspection_months": S.int, "upgrades": S.bool, "training": S.bool,
                "contact_name": S.string, "contact_phone": S.stringN, "contact_email": S.stringN,
                "channels": S.array(S.enumeration(ServiceChannel.self)), "clock_policy": S.ref("ClockPolicy"),
                "clocks": S.array(S.ref("ClockDefinition")), "notes": S.stringN, "notice_sent_at": S.timeN, "version": S.int,
            ]),
            "ServicePlanInput": S.object([
                "warranty_start": S.date, "warranty_months": S.int, "warranty_end": S.date, "calendar_id": S.string, "fault_response": S.bool,
                "inspection_months": S.int, "upgrades": S.bool, "training": S.bool, "contact_name": S.string, "contact_phone": S.stringN,
                "contact_email": S.stringN, "channels": S.array(S.enumeration(ServiceChannel.self)), "clock_policy": S.ref("ClockPolicy"),
                "notes": S.stringN,
            ]),
            "ServiceNotice": response(["id": S.uuid, "plan_id": S.uuid, "sent_to": S.string, "channel": S.string, "sent_at": S.time, "sent_by": S.string]),
            "ServiceNoticeInput": S.object(["sent_to": S.string, "channel": S.string, "sent_at": S.time], required: ["sent_to"]),
            "Warranty": response(["contract_id": S.uuid, "date": S.date, "in_warranty": S.bool, "paid_service": S.bool, "plan_id": S.uuidN,
                                  "warranty_start": S.dateN, "warranty_end": S.dateN]),
            "Inspection": response([
                "id": S.uuid, "plan_id": S.uuid, "contract_id": S.uuid, "sequence": S.int, "planned_on": S.date, "visit_at": S.time,
                "confirm_due_at": S.timeN, "confirmed_at": S.timeN, "confirmed_by": S.stringN, "status": S.enumeration(InspectionStatus.self),
                "request_id": S.uuidN, "result": S.stringN, "result_at": S.timeN, "version": S.int,
            ]),
            "InspectionConfirmInput": S.object(["confirmed_at": S.time, "planned_on": S.date]),
            "InspectionResultInput": S.object(["result": S.string], required: ["result"]),
            "ServiceRequest": response(requestProperties),
            "ServiceRequestDetail": detailSchema,
            "ServiceRequestCreate": S.object([
                "customer_id": S.uuid, "contract_id": S.uuid, "channel": S.enumeration(ServiceChannel.self), "type": S.enumeration(RequestType.self),
                "urgency": S.enumeration(Urgency.self), "remote_solvable": S.bool, "title": S.string, "description": S.string,
                "contact_name": S.stringN, "contact_email": S.stringN, "contact_phone": S.stringN, "received_at": S.time,
                "engineer_id": S.uuidN, "department_id": S.uuidN,
            ], required: ["type", "description"]),
            "ServiceRequestEventInput": S.object([
                "type": S.enumeration(RequestEventType.self), "at": S.time, "note": S.stringN, "reason": S.string, "solution": S.string,
                "signer_name": S.string, "rating": ratingInput, "engineer_id": S.uuid, "department_id": S.uuid,
            ], required: ["type"]),
            "ServiceClock": response([
                "name": S.string, "state": ["type": "string", "enum": ["pending", "running", "paused", "met", "breached"]], "calendar_id": S.string,
                "started_at": S.timeN, "due_at": S.timeN, "warning_at": S.timeN, "stopped_at": S.timeN, "target_working_minutes": S.int,
                "elapsed_working_minutes": S.int, "remaining_working_minutes": S.int, "subject_id": S.uuidN,
                "log": S.array(response(["kind": S.string, "at": S.time, "calendar_id": S.string])),
            ]),
            "ServiceRequestEvent": response(MessageSchema.adding(["id": S.uuid, "type": S.string, "at": S.time, "actor_name": S.string,
                                                                  "note": S.stringN, "recorded_at": S.time])),
            "ChecklistItem": response([
                "id": S.uuid, "request_id": S.uuid, "position": S.int, "text": S.string, "mandatory": S.bool, "done": S.bool,
                "done_at": S.timeN, "done_by": S.stringN, "note": S.stringN, "version": S.int,
            ]),
            "ChecklistTickInput": S.object(["done": S.bool, "note": S.stringN]),
            "ServiceRating": response([
                "speed": S.int, "solving": S.int, "attitude": S.int, "professionalism": S.int, "average": S.number, "comment": S.stringN,
                "source": ["type": "string", "enum": ["sign_off", "link", "staff"]], "rated_at": S.time,
            ]),
            "RatingInput": ratingInput,
            "RatingLink": response(["url": S.string, "token": S.string, "expires_at": S.time]),
            "FollowUp": response(["id": S.uuid, "request_id": S.uuid, "called_at": S.time, "caller_name": S.string,
                                  "outcome": S.enumeration(FollowUpOutcome.self), "notes": S.stringN]),
            "FollowUpInput": S.object(["called_at": S.time, "outcome": S.enumeration(FollowUpOutcome.self), "notes": S.stringN, "objection": S.stringN],
                                      required: ["outcome"]),
            "Objection": response([
                "id": S.uuid, "request_id": S.uuid, "raised_at": S.time, "source": ["type": "string", "enum": ["customer", "follow_up"]],
                "description": S.string, "status": S.enumeration(ObjectionStatus.self), "resolve_due_at": S.time, "resolution": S.stringN,
                "resolved_at": S.timeN, "resolved_by": S.stringN, "feedback": S.stringN, "feedback_at": S.timeN, "version": S.int,
            ]),
            "ObjectionInput": S.object(["raised_at": S.time, "source": ["type": "string", "enum": ["customer", "follow_up"]], "description": S.string],
                                       required: ["description"]),
            "ObjectionResolveInput": S.object(["resolution": S.string, "feedback": S.string, "resolved_at": S.time], required: ["resolution", "feedback"]),
            "WorkInstruction": response([
                "id": S.uuid, "request_type": S.enumeration(RequestType.self), "revision": S.int, "title": S.string, "items": S.array(instructionItem),
                "toolkit": S.array(toolkitItem), "current": S.bool, "created_by": S.string, "created_at": S.time, "version": S.int,
            ]),
            "WorkInstructionInput": S.object([
                "request_type": S.enumeration(RequestType.self), "title": S.string, "items": S.array(instructionItem), "toolkit": S.array(toolkitItem),
            ], required: ["request_type", "title", "items"]),
            "TriageItem": response([
                "id": S.uuid, "from_address": S.string, "from_name": S.stringN, "subject": S.string, "body": S.string, "message_id": S.stringN,
                "received_at": S.time, "status": S.enumeration(TriageStatus.self), "request_id": S.uuidN, "handled_by": S.stringN,
                "handled_at": S.timeN, "version": S.int,
            ]),
            "TriageCreateInput": S.object([
                "customer_id": S.uuid, "contract_id": S.uuid, "type": S.enumeration(RequestType.self), "urgency": S.enumeration(Urgency.self),
                "remote_solvable": S.bool, "contact_name": S.string,
            ], required: ["customer_id"]),
            "IntakeResult": response(["outcome": ["type": "string", "enum": ["request", "note", "triage"]], "request_id": S.uuidN,
                                      "request_number": S.stringN, "triage_id": S.uuidN]),
        ]
        for item in ["ServicePlan", "ServiceNotice", "Inspection", "ServiceRequest", "ServiceRequestEvent", "ChecklistItem", "FollowUp",
                     "Objection", "WorkInstruction", "TriageItem"] {
            schemas[item + "Page"] = S.page(of: item)
        }
        return schemas
    }
}

enum ServiceAPIPaths {
    static var all: [String: [String: [String: Any]]] {
        let read = [401, 403, 404]
        let write = [400, 401, 403, 404, 409, 413, 422]
        let writeVersioned = [400, 401, 403, 404, 409, 412, 413, 422]
        let contract = Op.path("id")
        let requestFilters = [
            Op.query("status", ["type": "string", "enum": ["open"] + RequestStatus.allCases.map(\.rawValue)]),
            Op.query("urgency", S.enumeration(Urgency.self)), Op.query("type", S.enumeration(RequestType.self)),
            Op.query("customer_id", S.uuid), Op.query("contract_id", S.uuid), Op.query("engineer_id", S.uuid),
            Op.query("breached", ["type": "string", "enum": ["true", "false"]]), Op.query("q", S.string, "number, title or description contains"),
            Op.query("sort", ["type": "string", "enum": ["due"]], "due: nearest running deadline first (cursor is an offset)"),
        ]
        var notice = Op.make("service", "The printable service start notice (后期服务启动通知), HTML", params: [Op.id],
                             responses: ["200": nil], errors: read)
        notice["responses"] = (notice["responses"] as? [String: Any] ?? [:]).merging(
            ["200": ["description": "the notice as a printable HTML page", "content": ["text/html": ["schema": S.string]]]]) { _, b in b }
        var email = Op.make("service", "Email intake: a raw RFC 5322 message as a mail relay posts it. Known sender → a request; "
                                + "a subject carrying a request number → a note on it; unknown sender → triage",
                            responses: ["201": "IntakeResult", "200": "IntakeResult"], errors: [400, 401, 403, 413, 422])
        email["requestBody"] = ["required": true, "content": ["message/rfc822": ["schema": S.string]]]
        return [
            "/contracts/{id}/service-plan": [
                "get": Op.make("service", "The contract's service plan", params: [contract], responses: ["200": "ServicePlan"], errors: read),
                "post": Op.make("service", "Open the contract's service plan (defaults: 12 months from acceptance, 7×24, quarterly inspections); "
                                    + "inspections are generated for the whole warranty", params: [contract], body: "ServicePlanInput",
                                responses: ["201": "ServicePlan"], errors: write),
            ],
            "/service-plans": [
                "get": Op.make("service", "Service plans", params: [Op.query("customer_id", S.uuid), Op.query("contract_id", S.uuid)] + Op.pageParams,
                               responses: ["200": "ServicePlanPage"], errors: [401, 403, 422]),
            ],
            "/service-plans/{id}": [
                "get": Op.make("service", "Read one", params: [Op.id], responses: ["200": "ServicePlan"], errors: read),
                "patch": Op.make("service", "Change fields (a changed warranty or period regenerates planned inspections)", params: [Op.id, Op.ifMatch],
                                 body: "ServicePlanInput", responses: ["200": "ServicePlan"], errors: writeVersioned),
            ],
            "/service-plans/{id}/notice": ["get": notice],
            "/service-plans/{id}/notices": [
                "get": Op.make("service", "When the start notice was sent, to whom", params: [Op.id], responses: ["200": "ServiceNoticePage"], errors: read),
                "post": Op.make("service", "Record that the start notice was sent", params: [Op.id], body: "ServiceNoticeInput",
                                responses: ["201": "ServiceNotice"], errors: write),
            ],
            "/service-plans/{id}/inspections": [
                "get": Op.make("service", "The plan's periodic inspections", params: [Op.id], responses: ["200": "InspectionPage"], errors: read),
            ],
            "/inspections/{id}": ["get": Op.make("service", "Read one", params: [Op.id], responses: ["200": "Inspection"], errors: read)],
            "/inspections/{id}/confirm": [
                "post": Op.make("service", "The date is confirmed with the customer (stops inspection.confirm)", params: [Op.id, Op.ifMatch],
                                body: "InspectionConfirmInput", responses: ["200": "Inspection"], errors: writeVersioned),
            ],
            "/inspections/{id}/result": [
                "post": Op.make("service", "Record the inspection's result", params: [Op.id, Op.ifMatch], body: "InspectionResultInput",
                                responses: ["200": "Inspection"], errors: writeVersioned),
            ],
            "/warranty": [
                "get": Op.make("service", "Is a contract in warranty on a date? (otherwise: paid service)",
                               params: [Op.query("contract_id", S.uuid), Op.query("date", S.date)], responses: ["200": "Warranty"],
                               errors: [401, 403, 404, 422]),
            ],
            "/service-requests": [
                "get": Op.make("service", "Service requests (模板4)", params: requestFilters + Op.pageParams, responses: ["200": "ServiceRequestPage"],
                               errors: [401, 403, 422]),
                "post": Op.make("service", "Record a request (phone, portal, email, on site); its clocks start at received_at",
                                body: "ServiceRequestCreate", responses: ["201": "ServiceRequestDetail"], errors: write),
            ],
            "/service-requests/{id}": [
                "get": Op.make("service", "One request with its clocks, checklist, toolkit, history, rating, follow-ups and objections",
                               params: [Op.id], responses: ["200": "ServiceRequestDetail"], errors: read),
            ],
            "/service-requests/{id}/events": [
                "get": Op.make("service", "The request's history", params: [Op.id] + Op.pageParams, responses: ["200": "ServiceRequestEventPage"],
                               errors: [401, 403, 404, 422]),
                "post": Op.make("service", "Record a step: confirm, reject, respond, remote_start, dispatch, arrive, resolve, sign_off, close, "
                                    + "pause, resume, reopen, assign, note (`at` defaults to now)", params: [Op.id, Op.ifMatch],
                                body: "ServiceRequestEventInput", responses: ["200": "ServiceRequestDetail"], errors: writeVersioned),
            ],
            "/service-requests/{id}/checklist": [
                "get": Op.make("service", "The request's work-instruction checklist", params: [Op.id], responses: ["200": "ChecklistItemPage"], errors: read),
            ],
            "/checklist-items/{id}": [
                "patch": Op.make("service", "Tick or untick an item, with a note", params: [Op.id, Op.ifMatch], body: "ChecklistTickInput",
                                 responses: ["200": "ChecklistItem"], errors: writeVersioned),
            ],
            "/service-requests/{id}/rating": [
                "post": Op.make("service", "Record the customer's satisfaction rating (客户满意度评价表)", params: [Op.id], body: "RatingInput",
                                responses: ["201": "ServiceRating"], errors: write),
            ],
            "/service-requests/{id}/rating-link": [
                "post": Op.make("service", "A one-time rating link for the customer (valid 14 days; the token is shown once)", params: [Op.id],
                                responses: ["201": "RatingLink"], errors: [401, 403, 404, 409]),
            ],
            "/service-requests/{id}/follow-ups": [
                "get": Op.make("service", "Follow-up calls (回访)", params: [Op.id], responses: ["200": "FollowUpPage"], errors: read),
                "post": Op.make("service", "Record the follow-up call (stops service.follow_up); an objection raised on it starts objection.resolve",
                                params: [Op.id], body: "FollowUpInput", responses: ["201": "FollowUp"], errors: write),
            ],
            "/service-requests/{id}/objections": [
                "get": Op.make("service", "Objections (异议)", params: [Op.id], responses: ["200": "ObjectionPage"], errors: read),
                "post": Op.make("service", "Record a customer's objection (objection.resolve, 48 h)", params: [Op.id], body: "ObjectionInput",
                                responses: ["201": "Objection"], errors: write),
            ],
            "/objections/{id}": ["get": Op.make("service", "Read one", params: [Op.id], responses: ["200": "Objection"], errors: read)],
            "/objections/{id}/resolve": [
                "post": Op.make("service", "Resolve an objection and record how the result was fed back to the customer", params: [Op.id, Op.ifMatch],
                                body: "ObjectionResolveInput", responses: ["200": "Objection"], errors: writeVersioned),
            ],
            "/work-instructions": [
                "get": Op.make("service", "Work instructions (后期服务作业指导书), every revision",
                               params: [Op.query("request_type", S.enumeration(RequestType.self)),
                                        Op.query("current", ["type": "string", "enum": ["true", "false"]])] + Op.pageParams,
                               responses: ["200": "WorkInstructionPage"], errors: [401, 403, 422]),
                "post": Op.make("service", "Publish a new revision for a request type (it becomes current)", body: "WorkInstructionInput",
                                responses: ["201": "WorkInstruction"], errors: [400, 401, 403, 413, 422]),
            ],
            "/work-instructions/{id}": ["get": Op.make("service", "Read one", params: [Op.id], responses: ["200": "WorkInstruction"], errors: read)],
            "/intake/email": ["post": email],
            "/intake/triage": [
                "get": Op.make("service", "Mails from unknown senders awaiting triage",
                               params: [Op.query("status", S.enumeration(TriageStatus.self))] + Op.pageParams,
                               responses: ["200": "TriageItemPage"], errors: [401, 403, 422]),
            ],
            "/intake/triage/{id}": ["get": Op.make("service", "Read one", params: [Op.id], responses: ["200": "TriageItem"], errors: read)],
            "/intake/triage/{id}/create-request": [
                "post": Op.make("service", "Create a request from the mail", params: [Op.id, Op.ifMatch], body: "TriageCreateInput",
                                responses: ["201": "ServiceRequestDetail"], errors: writeVersioned),
            ],
            "/intake/triage/{id}/discard": [
                "post": Op.make("service", "Discard the mail (kept, marked discarded)", params: [Op.id, Op.ifMatch], responses: ["200": "TriageItem"],
                                errors: [400, 401, 403, 404, 409, 412]),
            ],
        ]
    }
}
