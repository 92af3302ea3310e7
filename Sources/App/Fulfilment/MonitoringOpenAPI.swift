import Foundation
import LvyueCore

/// Fulfilment monitoring's part of the OpenAPI document (issue #4): dashboard, quality results, risks, alerts,
/// escalations, notifications.
enum MonitoringSchemas {
    static var all: [String: Any] {
        let trigger = S.object([
            "kind": S.enumeration(RiskTriggerKind.self), "days": ["type": ["integer", "null"]], "milestone_id": S.uuidN,
            "percent": ["type": ["number", "null"]],
        ], required: ["kind"])
        let escalationStatus = S.enumeration(EscalationStatus.self)
        var schemas: [String: Any] = [
            "RiskTrigger": trigger,
            "Risk": R.response(MessageSchema.adding([
                "id": S.uuid, "contract_id": S.uuid, "description": S.string, "category": S.enumeration(RiskCategory.self),
                "likelihood": ["type": "integer", "minimum": 1, "maximum": 5], "impact": ["type": "integer", "minimum": 1, "maximum": 5],
                "score": S.int, "band": ["type": "string", "enum": ["low", "medium", "high", "critical"]], "mitigation": S.stringN,
                "owner_id": S.uuidN, "status": S.enumeration(RiskStatus.self), "trigger": S.ref("RiskTrigger"), "fired": S.bool,
                "fired_at": S.timeN, "last_reason": S.stringN, "evaluated_at": S.timeN, "version": S.int,
            ])),
            "RiskInput": S.object([
                "description": S.string, "category": S.enumeration(RiskCategory.self), "likelihood": S.int, "impact": S.int,
                "mitigation": S.stringN, "owner_id": S.uuidN, "status": S.enumeration(RiskStatus.self), "trigger": S.ref("RiskTrigger"),
            ]),
            "HeatCell": R.response(["likelihood": S.int, "impact": S.int, "count": S.int]),
            "RiskRegister": S.object(["items": S.array(S.ref("Risk")), "next_cursor": S.stringN, "heat_map": S.array(S.ref("HeatCell"))],
                                     required: ["items", "heat_map"]),
            "RiskChecklist": R.response([
                "contract_category": S.enumeration(ContractCategory.self),
                "items": S.array(R.response(["description": S.string, "category": S.enumeration(RiskCategory.self), "likelihood": S.int,
                                             "impact": S.int, "mitigation": S.string, "trigger": S.ref("RiskTrigger")])),
            ]),
            "AppliedChecklist": R.response(["created": S.array(S.ref("Risk")), "skipped": S.int]),
            "QualityResult": R.response([
                "id": S.uuid, "milestone_id": S.uuid, "contract_id": S.uuid, "kind": S.enumeration(QualityKind.self),
                "result": S.enumeration(QualityOutcome.self), "inspector": S.string, "notes": S.stringN, "inspected_at": S.time, "version": S.int,
            ]),
            "QualityResultInput": S.object([
                "kind": S.enumeration(QualityKind.self), "result": S.enumeration(QualityOutcome.self), "inspector": S.string,
                "notes": S.stringN, "inspected_at": S.time,
            ], required: ["result", "inspector"]),
            "Alert": R.response(MessageSchema.adding([
                "id": S.uuid, "source": S.enumeration(AlertSource.self), "source_id": S.uuid, "condition_key": S.string, "firing_seq": S.int,
                "contract_id": S.uuidN, "milestone_id": S.uuidN, "level": S.enumeration(AlertLevel.self), "title": S.string, "reason": S.string,
                "status": S.enumeration(AlertStatus.self), "fired_at": S.time, "acknowledged_at": S.timeN, "acknowledged_by": S.stringN,
                "resolved_at": S.timeN, "links": ["type": "object", "additionalProperties": S.string], "version": S.int,
            ])),
            "EscalateInput": S.object(["description": S.string, "impact": S.stringN, "initial_fix": S.stringN, "level": S.int,
                                       "departments": S.array(S.uuid)]),
            "Escalation": R.response([
                "id": S.uuid, "number": ["type": "string", "pattern": "^ESC-[0-9]{4}-[0-9]{4,}$"], "contract_id": S.uuid, "milestone_id": S.uuidN,
                "risk_id": S.uuidN, "alert_id": S.uuidN, "quality_result_id": S.uuidN, "detected_at": S.time, "raised_at": S.time,
                "raise_due_at": S.time, "raised_on_time": S.bool, "description": S.string, "impact": S.stringN, "initial_fix": S.stringN,
                "level": ["type": "integer", "minimum": 1, "maximum": 3], "departments": S.array(S.uuid), "status": escalationStatus,
                "resolve_by": S.time, "resolve_state": ["type": "string", "enum": ["running", "met", "breached"]], "resolution": S.stringN,
                "resolved_at": S.timeN, "closed_at": S.timeN, "age_hours": S.int, "raised_by_name": S.string, "version": S.int,
            ]),
            "EscalationCreate": S.object([
                "contract_id": S.uuid, "milestone_id": S.uuidN, "risk_id": S.uuidN, "alert_id": S.uuidN, "quality_result_id": S.uuidN,
                "detected_at": S.time, "raised_at": S.time, "description": S.string, "impact": S.stringN, "initial_fix": S.stringN,
                "level": S.int, "departments": S.array(S.uuid),
            ], required: ["contract_id", "description"]),
            "EscalationPatch": S.object([
                "description": S.string, "impact": S.stringN, "initial_fix": S.stringN, "level": S.int, "departments": S.array(S.uuid),
                "status": escalationStatus, "resolution": S.stringN, "note": S.stringN,
            ]),
            "Meeting": R.response(["id": S.uuid, "escalation_id": S.uuid, "held_at": S.time, "attendees": S.string, "decisions": S.string,
                                   "resolve_by": S.time, "recorded_by": S.string]),
            "MeetingInput": S.object(["held_at": S.time, "attendees": S.string, "decisions": S.string, "resolve_by": S.time,
                                      "resolve_within_hours": S.int], required: ["attendees", "decisions"]),
            "EscalationEvent": R.response(MessageSchema.adding(["id": S.uuid, "kind": S.string, "from_value": S.stringN, "to_value": S.stringN,
                                                                "note": S.stringN, "actor_name": S.string, "at": S.time])),
            "EscalationChain": R.response(["levels": S.array(R.response(["level": S.int, "user_ids": S.array(S.uuid),
                                                                          "department_ids": S.array(S.uuid), "version": S.int]))]),
            "EscalationChainInput": S.object(["levels": S.array(S.object(["level": S.int, "user_ids": S.array(S.uuid),
                                                                          "department_ids": S.array(S.uuid)], required: ["level"]))],
                                             required: ["levels"]),
            "InboxItem": R.response(MessageSchema.adding(["id": S.uuid, "event": S.enumeration(NotificationEvent.self), "title": S.string,
                                                          "body": S.string, "link": S.stringN, "created_at": S.time, "read_at": S.timeN])),
            "Inbox": S.object(["items": S.array(S.ref("InboxItem")), "next_cursor": S.stringN, "unread_count": S.int],
                              required: ["items", "unread_count"]),
            "NotificationChannel": R.response([
                "id": S.uuid, "name": S.string, "kind": S.enumeration(ChannelKind.self), "url": S.string, "has_secret": S.bool,
                "department_id": S.uuidN, "user_id": S.uuidN, "events": S.array(S.enumeration(NotificationEvent.self)), "active": S.bool,
                "version": S.int,
            ]),
            "NotificationChannelInput": S.object([
                "name": S.string, "kind": S.enumeration(ChannelKind.self), "url": S.string, "secret": S.stringN, "department_id": S.uuidN,
                "user_id": S.uuidN, "events": S.array(S.enumeration(NotificationEvent.self)), "active": S.bool,
            ]),
            "Delivery": R.response([
                "id": S.uuid, "channel_id": S.uuid, "event": S.enumeration(NotificationEvent.self), "title": S.string,
                "status": S.enumeration(DeliveryStatus.self), "attempts": S.int, "next_attempt_at": S.time, "last_status_code": ["type": ["integer", "null"]],
                "last_error": S.stringN, "created_at": S.time, "delivered_at": S.timeN,
            ]),
            "Dashboard": dashboard,
            "DashboardLateMilestone": R.response([
                "milestone_id": S.uuid, "contract_id": S.uuid, "contract_number": S.string, "name": S.string, "planned_on": S.date,
                "delay_days": S.int, "delay_cause": S.stringN, "delay_reason": S.stringN,
            ]),
            "DashboardUpcomingMilestone": R.response([
                "milestone_id": S.uuid, "contract_id": S.uuid, "contract_number": S.string, "name": S.string, "planned_on": S.date,
                "days_left": S.int, "progress": S.int,
            ]),
            "DashboardOverduePayment": R.response([
                "payment_id": S.uuid, "contract_id": S.uuid, "contract_number": S.string, "name": S.string, "due_on": S.date,
                "outstanding": S.money, "overdue_days": S.int,
            ]),
            "DashboardFiredRisk": R.response(MessageSchema.adding([
                "risk_id": S.uuid, "contract_id": S.uuid, "contract_number": S.string, "description": S.string, "score": S.int,
                "status": S.string, "fired_at": S.timeN, "reason": S.stringN,
            ])),
        ]
        for item in ["DashboardLateMilestone", "DashboardUpcomingMilestone", "DashboardOverduePayment", "DashboardFiredRisk", "Risk", "QualityResult", "Alert", "Escalation", "Meeting", "EscalationEvent", "NotificationChannel", "Delivery"] {
            schemas[item + "Page"] = S.page(of: item)
        }
        return schemas
    }

    static var dashboard: [String: Any] {
        let rate: [String: Any] = ["type": ["number", "null"]]
        return R.response([
            "today": S.date, "generated_at": S.time,
            "counts": R.response([
                "contracts": S.int, "contracts_monitored": S.int, "milestones": S.int, "milestones_done": S.int, "milestones_done_late": S.int,
                "milestones_delayed": S.int, "milestones_in_progress": S.int, "milestones_not_started": S.int, "milestones_due": S.int,
                "milestones_upcoming": S.int,
                "on_time_rate": rate, "delay_rate": rate, "payments_overdue": S.int, "risks_fired": S.int, "alerts_open": S.int,
                "alerts_breach": S.int, "escalations_open": S.int, "stale_contracts": S.int,
            ]),
            "contracts": S.array(R.response([
                "id": S.uuid, "number": S.string, "title": S.string, "progress": S.number, "late_milestones": S.int, "last_update_on": S.dateN,
                "update_cadence_days": S.int, "update_due_on": S.dateN, "update_stale": S.bool, "summary_zh": S.string, "summary_en": S.string,
            ])),
            "late_milestones": S.array(S.ref("DashboardLateMilestone")),
            "upcoming_milestones": S.array(S.ref("DashboardUpcomingMilestone")),
            "overdue_payments": S.array(S.ref("DashboardOverduePayment")),
            "fired_risks": S.array(S.ref("DashboardFiredRisk")),
            "open_alerts": S.array(S.ref("Alert")),
            "open_escalations": S.array(R.response([
                "id": S.uuid, "number": S.string, "contract_id": S.uuid, "contract_number": S.string, "level": S.int, "status": S.string,
                "raised_at": S.time, "resolve_by": S.time, "age_hours": S.int, "overdue": S.bool,
            ])),
            "escalations_by_age": R.response(["under1d": S.int, "from1to3d": S.int, "from3to7d": S.int, "over7d": S.int]),
        ])
    }
}

enum MonitoringPaths {
    static var all: [String: [String: [String: Any]]] {
        let read = [401, 403, 404]
        let write = [400, 401, 403, 404, 409, 413, 422]
        let contract = Op.path("contract_id")
        let filters = [Op.query("customer_id", S.uuid), Op.query("department_id", S.uuid),
                       Op.query("category", S.enumeration(ContractCategory.self)), Op.query("owner_id", S.uuid)]
        func listOp(_ summary: String, _ item: String) -> [String: [String: Any]] {
            ["get": Op.make("fulfilment", summary + " (the dashboard's filters; keyset pages)", params: filters + Op.pageParams,
                            responses: ["200": item + "Page"], errors: [401, 403, 422])]
        }
        return [
            "/dashboard": [
                "get": Op.make("fulfilment", "Portfolio dashboard: counts and rates, late and upcoming milestones, overdue payments, fired risks, open alerts and escalations by age, per-contract summary sentences",
                               params: filters + [Op.query("limit", ["type": "integer", "minimum": 1, "maximum": DashboardService.maxLimit], "rows in each list (default \(DashboardService.defaultLimit))")],
                               responses: ["200": "Dashboard"], errors: [401, 403, 422]),
            ],
            "/dashboard/late-milestones": listOp("Every late milestone of the dashboard, the longest late first", "DashboardLateMilestone"),
            "/dashboard/upcoming-milestones": listOp("Every milestone due in the next 14 days, the soonest first", "DashboardUpcomingMilestone"),
            "/dashboard/overdue-payments": listOp("Every overdue payment node, the longest overdue first", "DashboardOverduePayment"),
            "/dashboard/fired-risks": listOp("Every fired risk, the highest score first", "DashboardFiredRisk"),
            "/milestones/{id}/quality-results": [
                "get": Op.make("quality", "Inspection and acceptance results of a milestone", params: [Op.id] + Op.pageParams,
                               responses: ["200": "QualityResultPage"], errors: [401, 403, 404, 422]),
                "post": Op.make("quality", "Record an inspection or acceptance result (a failure fires quality_failed risks)",
                                params: [Op.id], body: "QualityResultInput", responses: ["201": "QualityResult"], errors: write),
            ],
            "/quality-results/{id}": ["get": Op.make("quality", "Read one", params: [Op.id], responses: ["200": "QualityResult"], errors: read)],
            "/quality-results/{id}/escalate": [
                "post": optionalBody(Op.make("quality", "File an escalation (模板3) from a failed result, in one click", params: [Op.id],
                                             responses: ["201": "Escalation"], errors: write)),
            ],
            "/contracts/{contract_id}/risks": [
                "get": Op.make("risks", "The contract's risk register (风险预判表) with the 5×5 heat map",
                               params: [contract, Op.query("status", S.enumeration(RiskStatus.self))] + Op.pageParams,
                               responses: ["200": "RiskRegister"], errors: [401, 403, 404, 422]),
                "post": Op.make("risks", "Add a risk with its trigger", params: [contract], body: "RiskInput", responses: ["201": "Risk"], errors: write),
            ],
            "/contracts/{contract_id}/risks/apply-checklist": [
                "post": Op.make("risks", "Add the contract category's standard risk checklist (existing items skipped)", params: [contract],
                                responses: ["201": "AppliedChecklist"], errors: [401, 403, 404]),
            ],
            "/risks/{id}": [
                "get": Op.make("risks", "Read one", params: [Op.id], responses: ["200": "Risk"], errors: read),
                "patch": Op.make("risks", "Change fields (only those present)", params: [Op.id, Op.ifMatch], body: "RiskInput",
                                 responses: ["200": "Risk"], errors: [400, 401, 403, 404, 409, 412, 413, 422]),
                "delete": Op.make("risks", "Delete", params: [Op.id, Op.ifMatch], responses: ["204": nil], errors: [400, 401, 403, 404, 409, 412]),
            ],
            "/risk-checklists/{category}": [
                "get": Op.make("risks", "The standard risk checklist of a contract category", params: [Op.path("category")],
                               responses: ["200": "RiskChecklist"], errors: read),
            ],
            "/alerts": [
                "get": Op.make("alerts", "Alerts, oldest first; status=open for those not yet resolved",
                               params: [Op.query("status", ["type": "string", "enum": ["open", "acknowledged", "resolved"]]),
                                        Op.query("level", S.enumeration(AlertLevel.self)), Op.query("source", S.enumeration(AlertSource.self)),
                                        Op.query("contract_id", S.uuid)] + Op.pageParams,
                               responses: ["200": "AlertPage"], errors: [401, 403, 422]),
            ],
            "/alerts/{id}": ["get": Op.make("alerts", "Read one", params: [Op.id], responses: ["200": "Alert"], errors: read)],
            "/alerts/{id}/acknowledge": [
                "post": Op.make("alerts", "Acknowledge an open alert", params: [Op.id, Op.ifMatch], responses: ["200": "Alert"],
                                errors: [400, 401, 403, 404, 409, 412]),
            ],
            "/alerts/{id}/escalate": [
                "post": optionalBody(Op.make("alerts", "File an escalation (模板3) from an alert, in one click", params: [Op.id],
                                             responses: ["201": "Escalation"], errors: write)),
            ],
            "/escalations": [
                "get": Op.make("escalations", "Escalations (模板3)",
                               params: [Op.query("status", ["type": "string", "enum": EscalationStatus.allCases.map(\.rawValue) + ["active"]]),
                                        Op.query("level", S.int), Op.query("contract_id", S.uuid)] + Op.pageParams,
                               responses: ["200": "EscalationPage"], errors: [401, 403, 422]),
                "post": Op.make("escalations", "Raise an escalation; marked late when raised more than 24 h after detection",
                                body: "EscalationCreate", responses: ["201": "Escalation"], errors: write),
            ],
            "/escalations/{id}": [
                "get": Op.make("escalations", "Read one", params: [Op.id], responses: ["200": "Escalation"], errors: read),
                "patch": Op.make("escalations", "Change fields or status (closing needs a resolution)", params: [Op.id, Op.ifMatch],
                                 body: "EscalationPatch", responses: ["200": "Escalation"], errors: [400, 401, 403, 404, 409, 412, 413, 422]),
            ],
            "/escalations/{id}/meetings": [
                "get": Op.make("escalations", "Coordination meetings", params: [Op.id] + Op.pageParams, responses: ["200": "MeetingPage"],
                               errors: [401, 403, 404, 422]),
                "post": Op.make("escalations", "Record a coordination meeting; its resolve-by deadline sets the escalation.resolve clock",
                                params: [Op.id], body: "MeetingInput", responses: ["201": "Meeting"], errors: write),
            ],
            "/escalations/{id}/events": [
                "get": Op.make("escalations", "History: raised, status and level changes, meetings, overdue", params: [Op.id] + Op.pageParams,
                               responses: ["200": "EscalationEventPage"], errors: [401, 403, 404, 422]),
            ],
            "/escalation-chain": [
                "get": Op.make("escalations", "Who is told at each level (1–3)", responses: ["200": "EscalationChain"], errors: [401, 403]),
                "put": Op.make("escalations", "Set the escalation chain", body: "EscalationChainInput", responses: ["200": "EscalationChain"],
                               errors: [400, 401, 403, 413, 422]),
            ],
            "/notifications": [
                "get": Op.make("notifications", "The caller's inbox, newest first, with the unread count",
                               params: [Op.query("unread", ["type": "string", "enum": ["true", "false"]])] + Op.pageParams,
                               responses: ["200": "Inbox"], errors: [401, 422]),
            ],
            "/notifications/{id}/read": [
                "post": Op.make("notifications", "Mark one message read", params: [Op.id], responses: ["200": "InboxItem"], errors: [401, 404]),
            ],
            "/notifications/read-all": [
                "post": Op.make("notifications", "Mark every message read", responses: ["204": nil], errors: [401]),
            ],
            "/notification-channels": [
                "get": Op.make("notifications", "Outbound channels (webhook, WeCom, DingTalk, Feishu)", params: Op.pageParams,
                               responses: ["200": "NotificationChannelPage"], errors: [401, 403, 422]),
                "post": Op.make("notifications", "Add a channel; `events` says which events it receives", body: "NotificationChannelInput",
                                responses: ["201": "NotificationChannel"], errors: [400, 401, 403, 409, 413, 422]),
            ],
            "/notification-channels/{id}": [
                "get": Op.make("notifications", "Read one", params: [Op.id], responses: ["200": "NotificationChannel"], errors: read),
                "patch": Op.make("notifications", "Change fields", params: [Op.id, Op.ifMatch], body: "NotificationChannelInput",
                                 responses: ["200": "NotificationChannel"], errors: [400, 401, 403, 404, 409, 412, 413, 422]),
                "delete": Op.make("notifications", "Delete", params: [Op.id, Op.ifMatch], responses: ["204": nil], errors: [400, 401, 403, 404, 409, 412]),
            ],
            "/notification-channels/{id}/deliveries": [
                "get": Op.make("notifications", "Delivery log of a channel", params: [Op.id] + Op.pageParams, responses: ["200": "DeliveryPage"],
                               errors: [401, 403, 404, 422]),
            ],
        ]
    }

    private static func optionalBody(_ op: [String: Any]) -> [String: Any] {
        var op = op
        op["requestBody"] = ["required": false, "content": ["application/json": ["schema": S.ref("EscalateInput")]]]
        return op
    }
}

/// Response objects whose non-null properties are always present; nullable ones may be null or absent (the
/// encoder omits nil optionals), so only the non-nullable ones are required.
private enum R {
    static func response(_ properties: [String: [String: Any]]) -> [String: Any] {
        let required = properties.filter { _, schema in
            guard let types = schema["type"] as? [String] else { return true }
            return !types.contains("null")
        }.map(\.key)
        return S.object(properties, required: required)
    }
}
