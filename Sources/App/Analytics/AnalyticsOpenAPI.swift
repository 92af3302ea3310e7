import Foundation
import LvyueCore

/// The quarterly report's and improvement actions' part of the OpenAPI document (issue #7).
enum AnalyticsSchemas {
    static var all: [String: Any] {
        let numberN: [String: Any] = ["type": ["number", "null"]]
        let intN: [String: Any] = ["type": ["integer", "null"]]
        let percent = "percentage 0–100 with one decimal; null when nothing was counted"
        let figure = S.response([
            "key": S.string, "section": ["type": "string", "enum": ["milestones", "escalations", "payments", "service", "satisfaction"]],
            "unit": ["type": "string", "enum": ["percent", "count", "days", "hours", "amount", "score"]],
            "value": numberN.merging(["description": "this quarter; \(percent) for rates"]) { a, _ in a },
            "previous": numberN.merging(["description": "the previous quarter"]) { a, _ in a },
            "change": numberN.merging(["description": "value − previous (percentage points for rates)"]) { a, _ in a },
            "numerator": intN, "denominator": intN, "label_zh": S.string, "label_en": S.string,
            "definition_zh": S.string, "definition_en": S.string,
        ])
        let quarter: [String: Any] = ["type": "string", "pattern": "^[0-9]{4}Q[1-4]$"]
        return [
            "QuarterlyReport": S.response([
                "quarter": quarter, "previous_quarter": quarter, "period_start": S.date, "period_end": S.date,
                "timezone": S.string, "as_of": S.date, "generated_at": S.time,
                "filters": S.object(["customer_id": S.uuidN, "department_id": S.uuidN, "category": S.enumeration(ContractCategory.self, nullable: true)]),
                "frozen": S.bool,
                "snapshot": ["type": ["object", "null"], "properties": ["frozen_at": S.time, "frozen_by": S.string],
                             "required": ["frozen_at", "frozen_by"]] as [String: Any],
                "figures": S.array(S.ref("ReportFigure")),
                "delay_causes": S.array(S.response([
                    "key": S.string, "label_zh": S.string, "label_en": S.string, "count": S.int,
                    "share": ["type": "number", "description": "percent of all late milestones"],
                    "cumulative_share": ["type": "number", "description": "percent covered by this cause and every cause ranked above it"],
                    "previous_count": S.int,
                ])),
                "request_breakdown": S.array(S.response([
                    "dimension": ["type": "string", "enum": ["type", "urgency", "channel"]], "key": S.string, "label_zh": S.string,
                    "label_en": S.string, "count": S.int, "previous": S.int, "change": S.int,
                ])),
                "satisfaction_distribution": S.array(S.response([
                    "dimension": ["type": "string", "enum": ReportQueries.dimensions],
                    "counts": ["type": "array", "items": S.int, "minItems": 5, "maxItems": 5, "description": "ratings of 1, 2, 3, 4, 5"],
                ])),
                "recurring_problems": S.array(S.response([
                    "kind": ["type": "string", "enum": ["request_type", "delay_cause"]], "key": S.string, "label_zh": S.string,
                    "label_en": S.string, "contract_id": S.uuid, "contract_number": S.string, "contract_title": S.string,
                    "count": S.int, "previous": S.int,
                ])),
                "trend": S.array(S.response([
                    "quarter": quarter, "milestone_on_time_rate": numberN, "escalation_resolution_rate": numberN,
                    "clock_compliance": numberN, "satisfaction_overall": numberN, "service_requests": S.int,
                ])),
                "actions": S.array(S.response([
                    "id": S.uuid, "quarter": quarter, "figure_key": S.stringN, "finding": S.string, "measure": S.string,
                    "status": S.enumeration(ActionStatus.self), "due_on": S.date, "overdue": S.bool, "owner_department": S.string,
                    "owner_name": S.stringN, "effect_review": S.stringN, "figure_then": numberN, "figure_now": numberN,
                ])),
                "notes": S.array(S.response(["key": S.string, "zh": S.string, "en": S.string])),
            ]),
            "ReportFigure": figure,
            "ReportSnapshotInput": S.object([
                "quarter": quarter, "customer_id": S.uuidN, "department_id": S.uuidN,
                "category": S.enumeration(ContractCategory.self, nullable: true),
                "replace": ["type": "boolean", "description": "refreeze: replace an existing snapshot (needs update permission)"],
            ], required: ["quarter"]),
            "ImprovementAction": S.response([
                "id": S.uuid, "quarter": quarter, "figure_key": S.stringN, "finding": S.string,
                "cause_category": S.enumeration(CauseCategory.self), "measure": S.string, "owner_department_id": S.uuid,
                "owner_id": S.uuidN, "due_on": S.date, "status": S.enumeration(ActionStatus.self), "done_on": S.dateN,
                "effect_review": S.stringN, "overdue": S.bool, "created_by": S.stringN, "created_at": S.time, "updated_at": S.time,
                "version": S.int,
            ]),
            "ImprovementActionInput": S.object([
                "quarter": quarter, "figure_key": ["type": ["string", "null"], "enum": ReportFigureKeys.all.sorted() + [NSNull()]] as [String: Any],
                "finding": S.string, "cause_category": S.enumeration(CauseCategory.self), "measure": S.string,
                "owner_department_id": S.uuid, "owner_id": S.uuidN, "due_on": S.date, "status": S.enumeration(ActionStatus.self),
                "effect_review": S.stringN,
            ], required: ["quarter", "finding", "cause_category", "measure", "owner_department_id", "due_on"]),
            "ImprovementActionPatch": S.object([
                "figure_key": ["type": ["string", "null"], "enum": ReportFigureKeys.all.sorted() + [NSNull()]] as [String: Any],
                "finding": S.string, "cause_category": S.enumeration(CauseCategory.self), "measure": S.string,
                "owner_department_id": S.uuid, "owner_id": S.uuidN, "due_on": S.date, "status": S.enumeration(ActionStatus.self),
                "effect_review": S.stringN,
            ]),
            "ImprovementActionPage": S.page(of: "ImprovementAction"),
        ]
    }
}

enum AnalyticsPaths {
    static var all: [String: [String: [String: Any]]] {
        let filters = [Op.query("customer_id", S.uuid), Op.query("department_id", S.uuid), Op.query("category", S.enumeration(ContractCategory.self))]
        let write = [400, 401, 403, 404, 409, 413, 422]
        return [
            "/reports/quarterly": [
                "get": Op.make("reports", "The quarterly fulfilment and service report (季度履约与服务分析报告): every figure with the previous "
                               + "quarter, the change and its definition; the stored snapshot when the quarter was frozen",
                               params: [["name": "quarter", "in": "query", "required": true,
                                         "schema": ["type": "string", "pattern": "^[0-9]{4}[Qq][1-4]$"], "description": "e.g. 2026Q3"]] + filters,
                               responses: ["200": "QuarterlyReport"], errors: [401, 403, 422]),
            ],
            "/reports/quarterly/freeze": [
                "post": Op.make("reports", "Freeze a closed quarter's report as a snapshot (replace=true refreezes)", body: "ReportSnapshotInput",
                                responses: ["201": "QuarterlyReport"], errors: [400, 401, 403, 409, 413, 422]),
            ],
            "/reports/quarterly/unfreeze": [
                "post": Op.make("reports", "Remove a quarter's snapshot; its report is computed live again", body: "ReportSnapshotInput",
                                responses: ["204": nil], errors: [400, 401, 403, 404, 413, 422]),
            ],
            "/improvement-actions": [
                "get": Op.make("improvement-actions", "Improvement actions (改进措施)",
                               params: [Op.query("status", ["type": "string", "enum": ActionStatus.allCases.map(\.rawValue) + ["open"]]),
                                        Op.query("quarter", ["type": "string", "pattern": "^[0-9]{4}[Qq][1-4]$"]),
                                        Op.query("owner_department_id", S.uuid),
                                        Op.query("overdue", ["type": "string", "enum": ["true", "false"]])] + Op.pageParams,
                               responses: ["200": "ImprovementActionPage"], errors: [401, 403, 422]),
                "post": Op.make("improvement-actions", "Create an improvement action from a report finding (managers)",
                                body: "ImprovementActionInput", responses: ["201": "ImprovementAction"], errors: write),
            ],
            "/improvement-actions/{id}": [
                "get": Op.make("improvement-actions", "Read one", params: [Op.id], responses: ["200": "ImprovementAction"], errors: [401, 403, 404]),
                "patch": Op.make("improvement-actions", "Change fields or status (the owner department or a manager); verifying needs an effect review",
                                 params: [Op.id, Op.ifMatch], body: "ImprovementActionPatch", responses: ["200": "ImprovementAction"],
                                 errors: [400, 401, 403, 404, 409, 412, 413, 422]),
                "delete": Op.make("improvement-actions", "Delete (managers)", params: [Op.id, Op.ifMatch], responses: ["204": nil],
                                  errors: [400, 401, 403, 404, 409, 412]),
            ],
        ]
    }
}
