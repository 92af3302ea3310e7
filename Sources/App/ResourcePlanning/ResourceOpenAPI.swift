import Foundation
import LvyueCore

/// Issue #10's part of the OpenAPI document: resource plans, capacity and load, absences, risk reviews, feed tokens.
enum ResourceSchemas {
    static var all: [String: Any] {
        let numN: [String: Any] = ["type": ["number", "null"]]
        let intN: [String: Any] = ["type": ["integer", "null"]]
        var schemas: [String: Any] = [
            "ResourceLine": S.response([
                "id": S.uuid, "contract_id": S.uuid, "milestone_id": S.uuid, "kind": S.enumeration(ResourceKind.self),
                "department_id": S.uuidN, "role": S.stringN, "person_days": numN, "starts_on": S.dateN, "ends_on": S.dateN, "persons": S.stringN,
                "item": S.stringN, "quantity": numN, "unit": S.stringN, "supplier": S.stringN, "need_by": S.dateN, "expected_on": S.dateN,
                "arrived_on": S.dateN, "late_days": intN, "amount": S.moneyN, "currency": S.stringN, "source": S.stringN,
                "approved": S.bool, "approved_by": S.stringN, "approved_at": S.timeN, "note": S.stringN, "version": S.int,
            ]),
            "ResourceLineInput": S.object([
                "kind": S.enumeration(ResourceKind.self), "department_id": S.uuidN, "role": S.stringN, "person_days": numN,
                "starts_on": S.dateN, "ends_on": S.dateN, "persons": S.stringN, "item": S.stringN, "quantity": numN, "unit": S.stringN,
                "supplier": S.stringN, "need_by": S.dateN, "expected_on": S.dateN, "arrived_on": S.dateN, "amount": S.moneyN,
                "currency": S.stringN, "source": S.stringN, "approved": ["type": ["boolean", "null"]], "note": S.stringN,
            ]),
            "ResourceStatus": S.object(["items": S.array(S.response([
                "contract_id": S.uuid, "contract_number": S.string, "contract_title": S.string, "person_days": S.number, "materials": S.int,
                "materials_late": S.int, "funds": S.int, "funds_unapproved": S.int, "funds_unapproved_amount": S.money,
                "over_allocated_weeks": S.int, "state": ["type": "string", "enum": ["ok", "attention", "shortfall"]],
            ]))], required: ["items"]),
            "DepartmentCapacity": S.response(["department_id": S.uuid, "headcount": S.int, "calendar_id": S.string, "version": S.int]),
            "DepartmentCapacityInput": S.object(["headcount": S.int, "calendar_id": S.string], required: ["headcount"]),
            "DepartmentLoad": S.response([
                "department_id": S.uuid, "department_name": S.string, "headcount": S.int, "calendar_id": S.string,
                "weeks": S.array(S.response([
                    "week_start": S.date, "working_days": S.int, "capacity": S.number, "planned": S.number, "percent": numN, "over": S.bool,
                    "milestone_count": S.int,
                    "milestones": S.array(S.response(["milestone_id": S.uuid, "milestone_name": S.string, "contract_id": S.uuid,
                                                      "contract_number": S.string, "person_days": S.number])),
                ])),
            ]),
            "Absence": S.response([
                "id": S.uuid, "department_id": S.uuid, "user_id": S.uuidN, "person": S.string, "starts_on": S.date, "ends_on": S.date,
                "people": S.number, "note": S.stringN, "version": S.int,
            ]),
            "AbsenceInput": S.object([
                "department_id": S.uuid, "user_id": S.uuidN, "person": S.string, "starts_on": S.date, "ends_on": S.date,
                "people": numN, "note": S.stringN,
            ], required: ["department_id", "person", "starts_on", "ends_on"]),
            "RiskReview": S.response([
                "id": S.uuid, "contract_id": S.uuid, "held_at": S.time, "departments": S.array(S.uuid), "attendees": S.string,
                "risk_ids": S.array(S.uuid), "risk_changes": S.stringN, "decisions": S.string, "recorded_by": S.string, "version": S.int,
            ]),
            "RiskReviewInput": S.object([
                "held_at": S.timeN, "departments": ["type": ["array", "null"], "items": S.uuid], "attendees": S.string,
                "risk_ids": ["type": ["array", "null"], "items": S.uuid], "risk_changes": S.stringN, "decisions": S.string,
            ]),
            "FeedToken": S.response([
                "id": S.uuid, "scope": S.enumeration(FeedScope.self), "user_id": S.uuidN, "department_id": S.uuidN, "label": S.stringN,
                "created_at": S.time, "revoked_at": S.timeN, "url": S.stringN, "version": S.int,
            ]),
            "FeedTokenInput": S.object(["scope": S.enumeration(FeedScope.self), "department_id": S.uuidN, "label": S.stringN]),
        ]
        for item in ["ResourceLine", "Absence", "RiskReview", "FeedToken"] { schemas[item + "Page"] = S.page(of: item) }
        return schemas
    }
}

enum ResourcePaths {
    static var all: [String: [String: [String: Any]]] {
        let read = [401, 403, 404]
        let write = [400, 401, 403, 404, 409, 413, 422]
        let kind = Op.query("kind", S.enumeration(ResourceKind.self))
        return [
            "/milestones/{id}/resource-lines": [
                "get": Op.make("resources", "The milestone's resource plan: people, materials, funds", params: [Op.id, kind] + Op.pageParams,
                               responses: ["200": "ResourceLinePage"], errors: [401, 403, 404, 422]),
                "post": Op.make("resources", "Add a line to the milestone's resource plan (kind person, material or fund)", params: [Op.id],
                                body: "ResourceLineInput", responses: ["201": "ResourceLine"], errors: write),
            ],
            "/resource-lines": [
                "get": Op.make("resources", "Resource lines across contracts; pending=true keeps materials not arrived and funds not approved",
                               params: [kind, Op.query("contract_id", S.uuid), Op.query("department_id", S.uuid),
                                        Op.query("pending", ["type": "string", "enum": ["true", "false"]])] + Op.pageParams,
                               responses: ["200": "ResourceLinePage"], errors: [401, 403, 422]),
            ],
            "/resource-lines/{id}": [
                "get": Op.make("resources", "Read one", params: [Op.id], responses: ["200": "ResourceLine"], errors: read),
                "patch": Op.make("resources", "Change fields (only those present); `approved` on funds is finance's",
                                 params: [Op.id, Op.ifMatch], body: "ResourceLineInput", responses: ["200": "ResourceLine"],
                                 errors: [400, 401, 403, 404, 409, 412, 413, 422]),
                "delete": Op.make("resources", "Delete", params: [Op.id, Op.ifMatch], responses: ["204": nil], errors: [400, 401, 403, 404, 409, 412]),
            ],
            "/resource-status": [
                "get": Op.make("resources", "Resource allocation status (资源配置状态) per monitored contract with a resource plan, worst first",
                               params: [Op.query("contract_id", S.uuid)], responses: ["200": "ResourceStatus"], errors: [401, 403, 422]),
            ],
            "/departments/{id}/capacity": [
                "get": Op.make("resources", "Headcount and working calendar of a department", params: [Op.id],
                               responses: ["200": "DepartmentCapacity"], errors: read),
                "put": Op.make("resources", "Set headcount and calendar", params: [Op.id, Op.ifMatch], body: "DepartmentCapacityInput",
                               responses: ["200": "DepartmentCapacity"], errors: [400, 401, 403, 404, 412, 413, 422]),
            ],
            "/departments/{id}/load": [
                "get": Op.make("resources", "Planned person-days against capacity per week, with the milestones behind each week",
                               params: [Op.id, Op.query("from", S.date, "a day of the first week (default today)"),
                                        Op.query("weeks", ["type": "integer", "minimum": 1, "maximum": 26], "default 8")],
                               responses: ["200": "DepartmentLoad"], errors: [401, 403, 404, 422]),
            ],
            "/absences": [
                "get": Op.make("resources", "Absences (leave) that reduce department capacity", params: [Op.query("department_id", S.uuid)] + Op.pageParams,
                               responses: ["200": "AbsencePage"], errors: [401, 403, 422]),
                "post": Op.make("resources", "Enter an absence", body: "AbsenceInput", responses: ["201": "Absence"], errors: [400, 401, 403, 413, 422]),
            ],
            "/absences/{id}": [
                "get": Op.make("resources", "Read one", params: [Op.id], responses: ["200": "Absence"], errors: read),
                "delete": Op.make("resources", "Delete", params: [Op.id, Op.ifMatch], responses: ["204": nil], errors: [400, 401, 403, 404, 412]),
            ],
            "/contracts/{id}/risk-reviews": [
                "get": Op.make("risks", "Risk review meetings of the contract (exported with the risk table)", params: [Op.id] + Op.pageParams,
                               responses: ["200": "RiskReviewPage"], errors: [401, 403, 404, 422]),
                "post": Op.make("risks", "Record a risk review meeting", params: [Op.id], body: "RiskReviewInput",
                                responses: ["201": "RiskReview"], errors: write),
            ],
            "/risk-reviews/{id}": [
                "get": Op.make("risks", "Read one", params: [Op.id], responses: ["200": "RiskReview"], errors: read),
                "patch": Op.make("risks", "Change fields (only those present)", params: [Op.id, Op.ifMatch], body: "RiskReviewInput",
                                 responses: ["200": "RiskReview"], errors: [400, 401, 403, 404, 409, 412, 413, 422]),
                "delete": Op.make("risks", "Delete", params: [Op.id, Op.ifMatch], responses: ["204": nil], errors: [400, 401, 403, 404, 409, 412]),
            ],
            "/feed-tokens": [
                "get": Op.make("feeds", "The caller's calendar feed URLs (secrets are not shown again)", params: Op.pageParams,
                               responses: ["200": "FeedTokenPage"], errors: [401, 403, 422]),
                "post": Op.make("feeds", "Create a secret iCalendar feed URL for oneself or one's department; `url` is shown only here",
                                body: "FeedTokenInput", responses: ["201": "FeedToken"], errors: [400, 401, 403, 413, 422]),
            ],
            "/feed-tokens/{id}": [
                "delete": Op.make("feeds", "Revoke: the URL answers 404 from now on", params: [Op.id], responses: ["204": nil], errors: [401, 403, 404]),
            ],
        ]
    }
}
